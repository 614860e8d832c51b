#include "replicator/api_calls.h"

#include <optional>
#include <set>

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
  json response = json::object();  // not an initializer list, which would copy the version
  response["Version"] = version_to_json(result.version);
  if (result.attributes) response["Attributes"] = item_to_json(*result.attributes);
  return response;
}

// Select: ALL_ATTRIBUTES (or SPECIFIC_ATTRIBUTES with a projection) returns the items, COUNT
// only how many there are.
bool select_count(const json& request) {
  std::string select = request.value("Select", std::string("ALL_ATTRIBUTES"));
  if (select == "COUNT") return true;
  if (select == "ALL_ATTRIBUTES" || select == "SPECIFIC_ATTRIBUTES" ||
      select == "ALL_PROJECTED_ATTRIBUTES") {
    return false;
  }
  throw_validation("1 validation error detected: Value '" + select +
                   "' at 'select' failed to satisfy constraint: Member must satisfy enum value "
                   "set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
}

json page_response(const Page& page, bool count_only) {
  json response = {{"Count", page.items.size()}, {"ScannedCount", page.scanned_count}};
  if (!count_only) {
    json items = json::array(), versions = json::array();
    for (const Item& item : page.items)
      items.push_back(item_to_json(item));
    for (const Version& version : page.versions)
      versions.push_back(version_to_json(version));
    response["Items"] = items;
    response["Versions"] = versions;
  }
  if (page.last_evaluated_key)
    response["LastEvaluatedKey"] = item_to_json(*page.last_evaluated_key);
  return response;
}

std::optional<size_t> limit(const json& request) {
  if (!request.contains("Limit")) return std::nullopt;
  if (request["Limit"].get<int64_t>() < 1) {
    throw_validation(
        "1 validation error detected: Value '" + request["Limit"].dump() +
        "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal "
        "to 1");
  }
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

// BatchWriteItem: independent puts and deletes, at most 25, validated as a whole before any is
// written (as DynamoDB refuses the whole batch for one bad request). Nothing is left unprocessed:
// a region has no throughput limit.
//
// The writes commit in one transaction (Region::write_batch), each still with its own version,
// sequence number and stream record. DynamoDB gives no atomicity here: it answers the batch with
// one response, and a client whose call fails or is cut off before that answer cannot tell which
// writes were made; a crash of the region before the answer may leave any subset, and all or
// nothing is one such subset. Once answered, every write is committed, as before. One commit
// instead of 25 is what lets the origin keep up with its peers.
json batch_write(Region& region, const json& request, int64_t now_us) {
  const json& tables = request.at("RequestItems");
  if (!tables.is_object() || tables.empty()) {
    throw_validation(
        "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: "
        "Member must not be null");
  }
  std::vector<BatchWrite> writes;
  std::set<std::pair<std::string, std::string>> keys;
  for (auto it = tables.begin(); it != tables.end(); ++it) {
    const KeySchema& schema = region.table(it.key()).key_schema;
    for (const json& entry : it.value()) {
      if (!entry.is_object() || entry.size() != 1 ||
          !(entry.contains("PutRequest") || entry.contains("DeleteRequest"))) {
        throw_validation("A WriteRequest holds exactly one of PutRequest and DeleteRequest");
      }
      std::optional<Item> item;
      if (entry.contains("PutRequest")) item = item_from_json(entry["PutRequest"].at("Item"));
      Key key = item ? schema.key_of_item(*item) : item_from_json(entry["DeleteRequest"].at("Key"));
      schema.validate_key(key);
      if (item && item_size_bytes(*item) > kMaxItemSizeBytes) {
        throw_validation("Item size has exceeded the maximum allowed size");
      }
      if (!keys.insert({it.key(), item_to_json(key).dump()}).second) {
        throw_validation("Provided list of item keys contains duplicates");
      }
      if (item) {
        writes.emplace_back(PutRequest{it.key(), std::move(*item)});
      } else {
        writes.emplace_back(DeleteRequest{it.key(), std::move(key)});
      }
    }
  }
  if (writes.size() > 25) {
    throw_validation(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map "
        "value must satisfy constraint: [Member must have length less than or equal to 25, "
        "Member must have length greater than or equal to 1]");
  }
  json versions = json::array();
  for (const WriteResult& result : region.write_batch(writes, now_us))
    versions.push_back(version_to_json(result.version));
  return {{"UnprocessedItems", json::object()}, {"Versions", versions}};
}

// One read of BatchGetItem or TransactGetItems: the item (projected) or nothing.
json read_item(Region& region, const std::string& table, const json& request, const json& key,
               json& versions) {
  ParsedRequest parsed = parse_request(expression_texts(request), region.table(table).key_schema);
  GetResult result = region.get(GetRequest{
      table, item_from_json(key), request.value("ConsistentRead", false), parsed.projection});
  versions.push_back(result.version ? version_to_json(*result.version) : json());
  return result.item ? item_to_json(*result.item) : json();
}

// BatchGetItem: at most 100 keys; every key is read, so UnprocessedKeys is always empty.
json batch_get(Region& region, const json& request) {
  const json& tables = request.at("RequestItems");
  size_t count = 0;
  for (auto it = tables.begin(); it != tables.end(); ++it)
    count += it.value().at("Keys").size();
  if (count == 0 || count > 100) {
    throw_validation(count == 0 ? "1 validation error detected: Value at 'requestItems' failed to "
                                  "satisfy constraint: Member must have length greater than or "
                                  "equal to 1"
                                : "Too many items requested for the BatchGetItem call");
  }
  json responses = json::object(), versions = json::array();
  for (auto it = tables.begin(); it != tables.end(); ++it) {
    json items = json::array();
    std::set<std::string> seen;
    for (const json& key : it.value()["Keys"]) {
      if (!seen.insert(key.dump()).second) {
        throw_validation("Provided list of item keys contains duplicates");
      }
      json item = read_item(region, it.key(), it.value(), key, versions);
      if (!item.is_null()) items.push_back(item);
    }
    responses[it.key()] = items;
  }
  return {{"Responses", responses}, {"UnprocessedKeys", json::object()}, {"Versions", versions}};
}

// TransactGetItems: up to 100 Get entries, answered in request order ({} for a missing item).
// Reads of one region's copy are atomic, since the region serves one request at a time.
json transact_get(Region& region, const json& request) {
  const json& entries = request.at("TransactItems");
  if (!entries.is_array() || entries.empty() || entries.size() > 100) {
    throw_validation(
        "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
        "Member must have length between 1 and 100");
  }
  json responses = json::array(), versions = json::array();
  for (const json& entry : entries) {
    if (!entry.is_object() || !entry.contains("Get")) {
      throw_validation("each TransactItems entry of TransactGetItems holds a Get");
    }
    const json& get = entry["Get"];
    json item = read_item(region, text_field(get, "TableName"), get, get.at("Key"), versions);
    responses.push_back(item.is_null() ? json::object() : json{{"Item", item}});
  }
  return {{"Responses", responses}, {"Versions", versions}};
}

json execute(Region& region, const std::string& operation, const json& request, int64_t now_us) {
  if (operation == "CreateTable") {
    region.create_table(table_spec_from_json(request));
    return json::object();
  }
  if (operation == "BatchWriteItem") return batch_write(region, request, now_us);
  if (operation == "BatchGetItem") return batch_get(region, request);
  if (operation == "TransactGetItems") return transact_get(region, request);
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
    return page_response(
        region.query(QueryRequest{table, *parsed.key_condition, parsed.filter, parsed.projection,
                                  request.value("ScanIndexForward", true), limit(request),
                                  start_key(request)}),
        select_count(request));
  }
  if (operation == "Scan") {
    return page_response(region.scan(ScanRequest{table, parsed.filter, parsed.projection,
                                                 limit(request), start_key(request)}),
                         select_count(request));
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
