// Errors shared by every module.
//
// Two kinds, kept apart as in KJ's style guide:
//  - DynamoError: the caller passed bad input or a DynamoDB rule refused the request (a failed
//    condition, a malformed expression, a missing table). It is an ordinary result that callers
//    report to the user; its type and message follow DynamoDB's where DynamoDB has one.
//  - GTSIM_CHECK: a bug in gtsim itself (a broken invariant). It prints where and aborts, since
//    continuing could corrupt a region's file.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace gtsim {

enum class ErrorType {
  kValidation,              // ValidationException
  kConditionalCheckFailed,  // ConditionalCheckFailedException
  kTransactionCanceled,     // TransactionCanceledException
  kResourceNotFound,        // ResourceNotFoundException
  kResourceInUse,           // ResourceInUseException
  kTrimmedDataAccess,       // TrimmedDataAccessException: a stream read before the trim point
  kInternal,                // InternalServerError: an environment failure (disk, SQLite)
};

// DynamoDB's short name for the type, e.g. "ValidationException".
const char* error_type_name(ErrorType type);

class DynamoError : public std::runtime_error {
 public:
  DynamoError(ErrorType type, const std::string& message)
      : std::runtime_error(message), type_(type) {}

  ErrorType type() const { return type_; }

  // For kTransactionCanceled: one reason code per transaction item ("None",
  // "ConditionalCheckFailed", ...), in request order, as DynamoDB's CancellationReasons.
  std::vector<std::string> cancellation_reasons;

 private:
  ErrorType type_;
};

// Shorthand for the most common error.
[[noreturn]] void throw_validation(const std::string& message);

[[noreturn]] void check_failed(const char* file, int line, const char* condition,
                               const std::string& detail);

}  // namespace gtsim

#define GTSIM_CHECK(cond, ...)                                                               \
  do {                                                                                       \
    if (!(cond)) ::gtsim::check_failed(__FILE__, __LINE__, #cond, std::string{__VA_ARGS__}); \
  } while (false)
