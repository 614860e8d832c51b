#include "model/errors.h"

#include <cstdio>
#include <cstdlib>

namespace gtsim {

const char* error_type_name(ErrorType type) {
  switch (type) {
    case ErrorType::kValidation:
      return "ValidationException";
    case ErrorType::kConditionalCheckFailed:
      return "ConditionalCheckFailedException";
    case ErrorType::kTransactionCanceled:
      return "TransactionCanceledException";
    case ErrorType::kResourceNotFound:
      return "ResourceNotFoundException";
    case ErrorType::kResourceInUse:
      return "ResourceInUseException";
    case ErrorType::kTrimmedDataAccess:
      return "TrimmedDataAccessException";
    case ErrorType::kInternal:
      return "InternalServerError";
  }
  return "InternalServerError";
}

void throw_validation(const std::string& message) {
  throw DynamoError(ErrorType::kValidation, message);
}

void check_failed(const char* file, int line, const char* condition, const std::string& detail) {
  std::fprintf(stderr, "gtsim bug: %s:%d: check failed: %s%s%s\n", file, line, condition,
               detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

}  // namespace gtsim
