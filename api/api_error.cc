#include "api/api_error.h"

#include <nlohmann/json.hpp>

namespace gtsim::api {

namespace {

// The namespace DynamoDB reports each error type under.
std::string full_type(ErrorType type) {
  std::string name = error_type_name(type);
  if (type == ErrorType::kValidation) return "com.amazon.coral.validate#" + name;
  return "com.amazonaws.dynamodb.v20120810#" + name;
}

}  // namespace

ErrorReply error_reply(const ApiError& error) {
  nlohmann::json body = {{"__type", error.type()}};
  if (*error.what() != '\0') body["message"] = error.what();
  return {error.status(), body.dump()};
}

ErrorReply error_reply(const DynamoError& error) {
  nlohmann::json body = {{"__type", full_type(error.type())}, {"message", error.what()}};
  if (error.type() == ErrorType::kTransactionCanceled) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const std::string& code : error.cancellation_reasons) {
      nlohmann::json reason = {{"Code", code}};
      if (code == "ConditionalCheckFailed") reason["Message"] = "The conditional request failed";
      reasons.push_back(reason);
    }
    body["CancellationReasons"] = reasons;
  }
  return {error.type() == ErrorType::kInternal ? 500 : 400, body.dump()};
}

}  // namespace gtsim::api
