#include "replicator/api_calls.h"

#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "regions/expression_requests.h"

namespace gtsim::replication {
namespace {

using nlohmann::json;

std::string text_field(const json& request, const char* name) {
  if (!request.contains(name) || !request[name].is_string()) {
    throw_validation(std::string("request needs the string field ") + name);
  }
  return request[name].get<std::string>();
}

ExpressionTexts expression_texts(const json& request) {
  ExpressionTexts texts;
  auto optional_text = [&](const char* name, std::optional<std::string>& out) {
    if (request.contains(name)) out = text_field(request, name);
  };
  optional_text("ConditionExpression", texts.condition);
  optional_text("FilterExpression", texts.filter);
  optional_text("UpdateExpression", texts.update);
  optional_text("ProjectionExpression", texts.projection);
  optional_text("KeyConditionExpression", texts.key_condition);
  if (request.contains("ExpressionAttributeNames")) {
    const json& names = request["ExpressionAttributeNames"];
    for (auto it = names.begin(); it != names.end(); ++it) {
      texts.names[it.key()] = it.value().get<std::string>();
    }
  }
  if (request.contains("ExpressionAttributeValues")) {
    const json& values = request["ExpressionAttributeValues"];
    for (auto it = values.begin(); it != values.end(); ++it) {
      texts.values[it.key()] = AttributeValue::from_json(it.value());
    }
  }
  return texts;
}

ReturnValues return_values(const json& request) {
  std::string name = request.value("ReturnValues", std::string("NONE"));
  if (name == "NONE") return ReturnValues::kNone;
  if (name == "ALL_OLD") return ReturnValues::kAllOld;
  if (name == "UPDATED_OLD") return ReturnValues::kUpdatedOld;
  if (name == "ALL_NEW") return ReturnValues::kAllNew;
  if (name == "UPDATED_NEW") return ReturnValues::kUpdatedNew;
  throw_validation("unknown ReturnValues '" + name + "'");
}

json write_response(const WriteResult& result) {
  json response = {{"Version", version_to_json(result.version)}};
  if (result.attributes) response["Attributes"] = item_to_json(*result.attributes);
  return response;
}

json page_response(const Page& page) {
  json items = json::array(), versions = json::array();
  for (const Item& item : page.items)
    items.push_back(item_to_json(item));
  for (const Version& version : page.versions)
    versions.push_back(version_to_json(version));
  json response = {{"Items", items},
                   {"Versions", versions},
                   {"Count", page.items.size()},
                   {"ScannedCount", page.scanned_count}};
  if (page.last_evaluated_key)
    response["LastEvaluatedKey"] = item_to_json(*page.last_evaluated_key);
  return response;
}

std::optional<size_t> limit(const json& request) {
  if (!request.contains("Limit")) return std::nullopt;
  return request["Limit"].get<size_t>();
}

std::optional<Key> start_key(const json& request) {
  if (!request.contains("ExclusiveStartKey")) return std::nullopt;
  return item_from_json(request["ExclusiveStartKey"]);
}

// One TransactWriteItems entry: {"Put": {...}}, {"Update": ...}, {"Delete": ...} or
// {"ConditionCheck": ...}.
TransactItem transact_item(Region& region, const json& entry) {
  if (!entry.is_object() || entry.size() != 1) {
    throw_validation(
        "each TransactItems entry holds exactly one of Put, Update, Delete, "
        "ConditionCheck");
  }
  auto only = entry.begin();
  const std::string& kind = only.key();
  const json& request = only.value();
  TransactItem item;
  item.table = text_field(request, "TableName");
  ParsedRequest parsed =
      parse_request(expression_texts(request), region.table(item.table).key_schema);
  item.condition = parsed.condition;
  if (kind == "Put") {
    item.kind = TransactItem::Kind::kPut;
    item.item = item_from_json(request.at("Item"));
    return item;
  }
  item.key = item_from_json(request.at("Key"));
  if (kind == "Update") {
    if (!parsed.update) throw_validation("Update needs an UpdateExpression");
    item.kind = TransactItem::Kind::kUpdate;
    item.update = *parsed.update;
  } else if (kind == "Delete") {
    item.kind = TransactItem::Kind::kDelete;
  } else if (kind == "ConditionCheck") {
    item.kind = TransactItem::Kind::kConditionCheck;
  } else {
    throw_validation("unknown TransactItems entry '" + kind + "'");
  }
  return item;
}

json execute(Region& region, const std::string& operation, const json& request, int64_t now_us) {
  if (operation == "CreateTable") {
    region.create_table(table_spec_from_json(request));
    return json::object();
  }
  if (operation == "TransactWriteItems") {
    std::vector<TransactItem> items;
    for (const json& entry : request.at("TransactItems"))
      items.push_back(transact_item(region, entry));
    json versions = json::array();
    for (const WriteResult& result : region.transact_write(items, now_us)) {
      versions.push_back(version_to_json(result.version));
    }
    return {{"Versions", versions}};
  }
  std::string table = text_field(request, "TableName");
  ParsedRequest parsed = parse_request(expression_texts(request), region.table(table).key_schema);
  if (operation == "PutItem") {
    return write_response(region.put(PutRequest{table, item_from_json(request.at("Item")),
                                                parsed.condition, return_values(request)},
                                     now_us));
  }
  if (operation == "UpdateItem") {
    if (!parsed.update) throw_validation("UpdateItem needs an UpdateExpression");
    return write_response(
        region.update(UpdateRequest{table, item_from_json(request.at("Key")), *parsed.update,
                                    parsed.condition, return_values(request)},
                      now_us));
  }
  if (operation == "DeleteItem") {
    return write_response(
        region.delete_item(DeleteRequest{table, item_from_json(request.at("Key")), parsed.condition,
                                         return_values(request)},
                           now_us));
  }
  if (operation == "GetItem") {
    GetResult result =
        region.get(GetRequest{table, item_from_json(request.at("Key")),
                              request.value("ConsistentRead", false), parsed.projection});
    json response = json::object();
    if (result.item) response["Item"] = item_to_json(*result.item);
    if (result.version) response["Version"] = version_to_json(*result.version);
    return response;
  }
  if (operation == "Query") {
    if (!parsed.key_condition) throw_validation("Query needs a KeyConditionExpression");
    return page_response(region.query(
        QueryRequest{table, *parsed.key_condition, parsed.filter, parsed.projection,
                     request.value("ScanIndexForward", true), limit(request), start_key(request)}));
  }
  if (operation == "Scan") {
    return page_response(region.scan(
        ScanRequest{table, parsed.filter, parsed.projection, limit(request), start_key(request)}));
  }
  throw_validation("unknown operation '" + operation + "'");
}

}  // namespace

json execute_api_call(Region& region, const std::string& operation, const json& request,
                      int64_t now_us) {
  if (!request.is_object()) throw_validation("a request is a JSON object");
  try {
    return execute(region, operation, request, now_us);
  } catch (const json::exception& e) {
    throw_validation(std::string("malformed request: ") + e.what());
  }
}

}  // namespace gtsim::replication
