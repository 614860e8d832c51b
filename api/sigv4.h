// AWS Signature Version 4 for the DynamoDB endpoint.
//
// By default the endpoint accepts any request, signed or not, as DynamoDB Local does. When
// credentials are configured, verify_sigv4 recomputes the signature of the request (canonical
// request, string to sign, HMAC-SHA256 signing key from the secret, date, region and service)
// and refuses with DynamoDB's errors: MissingAuthenticationTokenException without an
// Authorization header, UnrecognizedClientException for an unknown access key,
// InvalidSignatureException for a signature that does not match.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gtsim::api {

// Access key id -> secret access key.
using Credentials = std::map<std::string, std::string>;

// Reads "ACCESS_KEY_ID SECRET_ACCESS_KEY" lines ('#' starts a comment). Throws
// DynamoError(kValidation) naming the file and line when one is malformed or unreadable.
Credentials read_credentials(const std::string& path);

struct SignedRequest {
  std::string method;  // "POST"
  std::string target;  // request target: path and query, e.g. "/"
  // Header names in lower case; a repeated header appears once per value, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Throws ApiError (api_error.h) unless the request carries a valid signature by one of
// `credentials`.
void verify_sigv4(const SignedRequest& request, const Credentials& credentials);

// The signature of `request` by `secret` for the Authorization header's scope and signed headers:
// 64 hex characters. Exposed so tests can sign requests the way SDKs do.
std::string sigv4_signature(const SignedRequest& request, const std::string& secret,
                            const std::string& amz_date, const std::string& scope,
                            const std::vector<std::string>& signed_headers);

}  // namespace gtsim::api
