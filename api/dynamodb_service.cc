#include "api/dynamodb_service.h"

#include <set>

#include "api/api_error.h"
#include "api/stream_calls.h"
#include "api/table_calls.h"

namespace gtsim::api {
namespace {

using nlohmann::json;

constexpr std::string_view kDynamoDbPrefix = "DynamoDB_20120810.";
constexpr std::string_view kStreamsPrefix = "DynamoDBStreams_20120810.";
constexpr std::string_view kInternalPrefix = "GtsimInternal.";

bool is_item_operation(const std::string& operation) {
  static const std::set<std::string> operations = {
      "PutItem", "GetItem",        "UpdateItem",   "DeleteItem",         "Query",
      "Scan",    "BatchWriteItem", "BatchGetItem", "TransactWriteItems", "TransactGetItems"};
  return operations.contains(operation);
}

[[noreturn]] void unknown_operation() {
  throw ApiError(400, "com.amazon.coral.service#UnknownOperationException", "");
}

// gtsim's history fields, which DynamoDB clients must not see.
json without_versions(json response) {
  response.erase("Version");
  response.erase("Versions");
  return response;
}

}  // namespace

DynamoDbService::DynamoDbService(Region& region, TableCatalog& catalog, ItemCall call)
    : region_(region), catalog_(catalog), call_(std::move(call)) {}

json DynamoDbService::dispatch(CallContext& context, std::string_view target, const json& request) {
  if (target.starts_with(kDynamoDbPrefix)) {
    std::string operation(target.substr(kDynamoDbPrefix.size()));
    if (is_item_operation(operation)) return without_versions(call_(operation, request));
    if (is_table_operation(operation) && operation != "SetReplicas") {
      return execute_table_call(context, operation, request);
    }
  } else if (target.starts_with(kStreamsPrefix)) {
    std::string operation(target.substr(kStreamsPrefix.size()));
    if (is_stream_operation(operation)) return execute_stream_call(context, operation, request);
  } else if (target == std::string(kInternalPrefix) + "SetReplicas") {
    return execute_table_call(context, "SetReplicas", request);
  }
  unknown_operation();
}

Reply DynamoDbService::handle(std::string_view target, std::string_view body, int64_t now_us,
                              int64_t epoch_us) {
  CallContext context{region_, catalog_, now_us, epoch_us, {}};
  try {
    json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded() || !request.is_object()) {
      throw ApiError(400, "com.amazon.coral.service#SerializationException",
                     request.is_discarded() ? "Malformed JSON request body"
                                            : "Start of structure or map expected");
    }
    try {
      json response = dispatch(context, target, request);
      return {200, response.dump(), std::move(context.peer_calls)};
    } catch (const json::exception& e) {
      // A field of the wrong JSON type, as DynamoDB's deserializer reports it.
      throw ApiError(400, "com.amazon.coral.service#SerializationException", e.what());
    }
  } catch (const ApiError& e) {
    ErrorReply reply = error_reply(e);
    return {reply.status, reply.body, {}};
  } catch (const DynamoError& e) {
    ErrorReply reply = error_reply(e);
    return {reply.status, reply.body, {}};
  }
}

}  // namespace gtsim::api
