// ApiError: an error the DynamoDB endpoint raises itself, outside any operation: a body that is
// not JSON, an unknown operation, a missing or bad signature. It carries DynamoDB's full error
// type (e.g. "com.amazon.coral.service#SerializationException") and HTTP status.
//
// error_reply turns it, or a DynamoError from an operation, into DynamoDB's error body:
// {"__type": "...#ConditionalCheckFailedException", "message": "..."}, with CancellationReasons
// for a cancelled transaction. Client errors answer HTTP 400, kInternal 500.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <stdexcept>
#include <string>

#include "model/errors.h"

namespace gtsim::api {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string type, const std::string& message)
      : std::runtime_error(message), status_(status), type_(std::move(type)) {}
  int status() const { return status_; }
  const std::string& type() const { return type_; }

 private:
  int status_;
  std::string type_;
};

struct ErrorReply {
  int status = 400;
  std::string body;
};

ErrorReply error_reply(const ApiError& error);
ErrorReply error_reply(const DynamoError& error);

}  // namespace gtsim::api
