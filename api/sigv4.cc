#include "api/sigv4.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "api/api_error.h"
#include "replicator/sha256.h"

namespace gtsim::api {
namespace {

using replication::hmac_sha256;
using replication::sha256;
using replication::to_hex;

std::string raw(const replication::Digest& d) {
  return std::string(d.begin(), d.end());
}

std::string trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t");
  // Sequential spaces inside a value count as one.
  std::string out;
  for (size_t i = begin; i <= end; ++i) {
    if (s[i] == ' ' && !out.empty() && out.back() == ' ') continue;
    out += s[i];
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, separator))
    parts.push_back(part);
  return parts;
}

[[noreturn]] void refuse(const std::string& type, const std::string& message) {
  throw ApiError(400, "com.amazon.coral.service#" + type, message);
}

// Query parameters sorted by name, as the canonical request wants them (already encoded).
std::string canonical_query(const std::string& query) {
  if (query.empty()) return "";
  std::vector<std::string> pairs = split(query, '&');
  for (std::string& p : pairs) {
    if (p.find('=') == std::string::npos) p += "=";
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const std::string& p : pairs)
    out += (out.empty() ? "" : "&") + p;
  return out;
}

}  // namespace

Credentials read_credentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DynamoError(ErrorType::kValidation, "cannot read credentials file " + path);
  Credentials credentials;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string text = trim(line.substr(0, line.find('#')));
    if (text.empty()) continue;
    std::vector<std::string> fields = split(text, ' ');
    if (fields.size() != 2) {
      throw DynamoError(ErrorType::kValidation, path + ":" + std::to_string(number) +
                                                    ": expected ACCESS_KEY_ID SECRET_ACCESS_KEY");
    }
    credentials[fields[0]] = fields[1];
  }
  return credentials;
}

std::string sigv4_signature(const SignedRequest& request, const std::string& secret,
                            const std::string& amz_date, const std::string& scope,
                            const std::vector<std::string>& signed_headers) {
  size_t question = request.target.find('?');
  std::string path = request.target.substr(0, question);
  std::string query = question == std::string::npos ? "" : request.target.substr(question + 1);
  std::string canonical = request.method + "\n" + path + "\n" + canonical_query(query) + "\n";
  for (const std::string& name : signed_headers) {
    std::string values;
    for (const auto& [header, value] : request.headers) {
      if (header != name) continue;
      if (!values.empty()) values += ',';
      values += trim(value);
    }
    canonical += name + ":" + values + "\n";
  }
  std::string signed_list;
  for (const std::string& name : signed_headers)
    signed_list += (signed_list.empty() ? "" : ";") + name;
  canonical += "\n" + signed_list + "\n" + to_hex(sha256(request.body));

  std::string to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + to_hex(sha256(canonical));
  std::vector<std::string> parts = split(scope, '/');  // date/region/service/aws4_request
  std::string key = "AWS4" + secret;
  for (const std::string& part : parts)
    key = raw(hmac_sha256(key, part));
  return to_hex(hmac_sha256(key, to_sign));
}

void verify_sigv4(const SignedRequest& request, const Credentials& credentials) {
  std::string authorization, amz_date;
  for (const auto& [name, value] : request.headers) {
    if (name == "authorization") authorization = value;
    if (name == "x-amz-date") amz_date = value;
  }
  if (authorization.empty()) {
    refuse("MissingAuthenticationTokenException", "Request is missing Authentication Token");
  }
  const std::string algorithm = "AWS4-HMAC-SHA256 ";
  if (!authorization.starts_with(algorithm)) {
    refuse("IncompleteSignatureException",
           "Authorization header requires the AWS4-HMAC-SHA256 algorithm");
  }
  std::map<std::string, std::string> fields;
  for (const std::string& field : split(authorization.substr(algorithm.size()), ',')) {
    std::string f = trim(field);
    size_t eq = f.find('=');
    if (eq != std::string::npos) fields[f.substr(0, eq)] = f.substr(eq + 1);
  }
  if (!fields.contains("Credential") || !fields.contains("SignedHeaders") ||
      !fields.contains("Signature") || amz_date.empty()) {
    refuse("IncompleteSignatureException",
           "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
           "parameters, and the request an X-Amz-Date header");
  }
  const std::string& credential = fields["Credential"];
  size_t slash = credential.find('/');
  std::string access_key = credential.substr(0, slash);
  auto secret = credentials.find(access_key);
  if (slash == std::string::npos || secret == credentials.end()) {
    refuse("UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  std::string expected =
      sigv4_signature(request, secret->second, amz_date, credential.substr(slash + 1),
                      split(fields["SignedHeaders"], ';'));
  if (!replication::digests_equal(expected, fields["Signature"])) {
    refuse("InvalidSignatureException",
           "The request signature we calculated does not match the signature you provided. Check "
           "your AWS Secret Access Key and signing method. Consult the service documentation for "
           "details.");
  }
}

}  // namespace gtsim::api
