#include "api/table_calls.h"

#include <algorithm>

#include "api/stream_calls.h"
#include "model/errors.h"

namespace gtsim::api {
namespace {

using nlohmann::json;

const std::string& string_field(const json& request, const char* name) {
  if (!request.contains(name) || !request[name].is_string()) {
    throw_validation(std::string("1 validation error detected: Value null at '") + name +
                     "' failed to satisfy constraint: Member must not be null");
  }
  return request[name].get_ref<const std::string&>();
}

// KeySchema and AttributeDefinitions of CreateTable, checked as DynamoDB checks them.
KeySchema key_schema_from_request(const json& request) {
  if (!request.contains("KeySchema") || !request["KeySchema"].is_array() ||
      !request.contains("AttributeDefinitions") || !request["AttributeDefinitions"].is_array()) {
    throw_validation(
        "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: "
        "Member must not be null");
  }
  std::map<std::string, AttributeType> defined;
  for (const json& d : request["AttributeDefinitions"]) {
    AttributeType type;
    if (!parse_type_descriptor(d.at("AttributeType").get<std::string>(), &type)) {
      throw_validation("1 validation error detected: Value '" + d["AttributeType"].dump() +
                       "' at 'attributeDefinitions.member.attributeType' failed to satisfy "
                       "constraint: Member must satisfy enum value set: [B, N, S]");
    }
    defined[d.at("AttributeName").get<std::string>()] = type;
  }
  KeySchema schema;
  bool has_hash = false;
  size_t used = 0;
  for (const json& k : request["KeySchema"]) {
    const std::string name = k.at("AttributeName").get<std::string>();
    const std::string key_type = k.at("KeyType").get<std::string>();
    auto it = defined.find(name);
    if (it == defined.end()) {
      throw_validation(
          "One or more parameter values were invalid: Some index key attributes are not defined "
          "in AttributeDefinitions. Keys: [" +
          name + "], AttributeDefinitions: []");
    }
    ++used;
    if (key_type == "HASH" && !has_hash) {
      schema.partition = {name, it->second};
      has_hash = true;
    } else if (key_type == "RANGE" && !schema.sort) {
      schema.sort = KeyAttribute{name, it->second};
    } else {
      throw_validation("Invalid KeySchema: Some index key attribute have no definition");
    }
  }
  if (!has_hash) {
    throw_validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (used != defined.size()) {
    throw_validation(
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions");
  }
  schema.validate();
  return schema;
}

json key_schema_json(const KeySchema& schema) {
  json keys = json::array({{{"AttributeName", schema.partition.name}, {"KeyType", "HASH"}}});
  if (schema.sort) keys.push_back({{"AttributeName", schema.sort->name}, {"KeyType", "RANGE"}});
  return keys;
}

json attribute_definitions_json(const KeySchema& schema) {
  json defs = json::array({{{"AttributeName", schema.partition.name},
                            {"AttributeType", type_descriptor(schema.partition.type)}}});
  if (schema.sort) {
    defs.push_back({{"AttributeName", schema.sort->name},
                    {"AttributeType", type_descriptor(schema.sort->type)}});
  }
  return defs;
}

// BillingMode and ProvisionedThroughput: recorded and shown, never enforced.
void apply_billing(const json& request, TableMeta& meta) {
  if (request.contains("BillingMode")) {
    const std::string mode = request["BillingMode"].get<std::string>();
    if (mode != "PROVISIONED" && mode != "PAY_PER_REQUEST") {
      throw_validation("1 validation error detected: Value '" + mode +
                       "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum "
                       "value set: [PROVISIONED, PAY_PER_REQUEST]");
    }
    meta.billing_mode = mode;
  } else if (request.contains("ProvisionedThroughput")) {
    meta.billing_mode = "PROVISIONED";
  }
  if (request.contains("ProvisionedThroughput")) {
    if (meta.billing_mode == "PAY_PER_REQUEST") {
      throw_validation(
          "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
          "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    }
    meta.read_capacity = request["ProvisionedThroughput"].at("ReadCapacityUnits").get<int64_t>();
    meta.write_capacity = request["ProvisionedThroughput"].at("WriteCapacityUnits").get<int64_t>();
  } else if (meta.billing_mode == "PROVISIONED" && meta.read_capacity == 0) {
    throw_validation(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
        "must both be specified when BillingMode is PROVISIONED");
  }
}

void enable_stream(CallContext& context, TableMeta& meta, const std::string& view_type) {
  if (meta.stream_enabled && meta.stream_view_type == view_type) return;
  if (meta.stream_enabled) {
    throw_validation("Table already has an enabled stream: " + meta.stream_label);
  }
  meta.stream_enabled = true;
  meta.stream_view_type = view_type;
  meta.stream_label = stream_label(context.epoch_us);
  meta.stream_start_seq = last_stream_seq(context.region);
}

// StreamSpecification of CreateTable or UpdateTable.
void apply_stream_specification(CallContext& context, const json& request, TableMeta& meta) {
  if (!request.contains("StreamSpecification")) return;
  const json& spec = request["StreamSpecification"];
  if (!spec.value("StreamEnabled", false)) {
    if (meta.is_global()) {
      throw_validation(
          "One or more parameter values were invalid: Table is a global table; its stream "
          "cannot be disabled while it has replicas");
    }
    meta.stream_enabled = false;
    return;
  }
  const std::string view = spec.value("StreamViewType", std::string());
  if (view != "NEW_AND_OLD_IMAGES" && view != "NEW_IMAGE" && view != "OLD_IMAGE" &&
      view != "KEYS_ONLY") {
    throw_validation(
        "One or more parameter values were invalid: StreamViewType must be one of "
        "[NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY] when StreamEnabled is true");
  }
  if (meta.is_global() && view != "NEW_AND_OLD_IMAGES") {
    throw_validation(
        "One or more parameter values were invalid: A global table's stream must have "
        "StreamViewType NEW_AND_OLD_IMAGES");
  }
  enable_stream(context, meta, view);
}

json create_table(CallContext& context, const json& request) {
  const std::string& name = string_field(request, "TableName");
  if (request.contains("GlobalSecondaryIndexes") || request.contains("LocalSecondaryIndexes")) {
    throw_validation("gtsim does not support secondary indexes");
  }
  TableSpec spec;
  spec.name = name;
  spec.key_schema = key_schema_from_request(request);
  spec.validate();
  for (const TableSpec& existing : context.region.tables()) {
    if (existing.name == name) {
      throw DynamoError(ErrorType::kResourceInUse, "Table already exists: " + name);
    }
  }
  TableMeta meta;
  meta.created_epoch_us = context.epoch_us;
  meta.replicas = {context.catalog.region()};
  apply_billing(request, meta);
  apply_stream_specification(context, request, meta);
  context.region.create_table(spec);
  context.catalog.put(name, meta);
  return {{"TableDescription", describe_table(context, name)}};
}

json list_tables(CallContext& context, const json& request) {
  std::vector<std::string> names;
  for (const TableSpec& spec : context.region.tables())
    names.push_back(spec.name);
  std::sort(names.begin(), names.end());
  auto from = names.begin();
  if (request.contains("ExclusiveStartTableName")) {
    from = std::upper_bound(names.begin(), names.end(),
                            request["ExclusiveStartTableName"].get<std::string>());
  }
  int64_t limit = request.value("Limit", int64_t(100));
  if (limit < 1 || limit > 100) {
    throw_validation("1 validation error detected: Value '" + std::to_string(limit) +
                     "' at 'limit' failed to satisfy constraint: Member must have value less "
                     "than or equal to 100");
  }
  json out = {{"TableNames", json::array()}};
  for (auto it = from; it != names.end(); ++it) {
    if (int64_t(out["TableNames"].size()) == limit) {
      out["LastEvaluatedTableName"] = *(it - 1);
      break;
    }
    out["TableNames"].push_back(*it);
  }
  return out;
}

// Tells every other region in `notify` the table's replica set.
void announce_replicas(CallContext& context, const TableSpec& spec, const TableMeta& meta,
                       const std::set<std::string>& notify) {
  json request = {{"TableName", spec.name},
                  {"AttributeDefinitions", attribute_definitions_json(spec.key_schema)},
                  {"KeySchema", key_schema_json(spec.key_schema)},
                  {"Replicas", meta.replicas}};
  for (const std::string& region : notify) {
    if (region != context.catalog.region()) {
      context.peer_calls.push_back({region, "SetReplicas", request});
    }
  }
}

json delete_table(CallContext& context, const json& request) {
  const std::string& name = string_field(request, "TableName");
  json description = describe_table(context, name);
  description["TableStatus"] = "DELETING";
  TableSpec spec = context.region.table(name);
  TableMeta meta = context.catalog.meta(name, context.epoch_us);
  context.region.delete_table(name);
  context.catalog.erase(name);
  // Deleting one replica of a global table leaves the others.
  meta.replicas.erase(context.catalog.region());
  announce_replicas(context, spec, meta, meta.replicas);
  return {{"TableDescription", description}};
}

std::set<std::string> known_regions(const TableCatalog& catalog) {
  std::set<std::string> regions(catalog.peers().begin(), catalog.peers().end());
  regions.insert(catalog.region());
  return regions;
}

json update_table(CallContext& context, const json& request) {
  const std::string& name = string_field(request, "TableName");
  TableSpec spec = context.region.table(name);
  TableMeta meta = context.catalog.meta(name, context.epoch_us);
  const std::set<std::string> before = meta.replicas;
  std::set<std::string> creating;
  apply_billing(request, meta);
  if (request.contains("ReplicaUpdates")) {
    const std::set<std::string> regions = known_regions(context.catalog);
    for (const json& update : request["ReplicaUpdates"]) {
      if (update.contains("Create")) {
        const std::string& region = string_field(update["Create"], "RegionName");
        if (!regions.contains(region)) {
          throw_validation("One or more parameter values were invalid: Region " + region +
                           " is not a region of this gtsim cluster");
        }
        if (meta.replicas.contains(region)) {
          throw_validation("One or more parameter values were invalid: Table " + name +
                           " already has a replica in region " + region);
        }
        meta.replicas.insert(region);
        creating.insert(region);
      } else if (update.contains("Delete")) {
        const std::string& region = string_field(update["Delete"], "RegionName");
        if (!meta.replicas.contains(region)) {
          throw_validation("One or more parameter values were invalid: Table " + name +
                           " has no replica in region " + region);
        }
        if (region == context.catalog.region()) {
          throw_validation(
              "One or more parameter values were invalid: the replica of the region serving "
              "this request cannot be deleted here; call DeleteTable in that region");
        }
        meta.replicas.erase(region);
      } else if (!update.contains("Update")) {
        throw_validation("A ReplicaUpdate holds one of Create, Update and Delete");
      }
    }
    // A global table's stream is on with both images, as DynamoDB enables it for replication.
    if (meta.is_global()) enable_stream(context, meta, "NEW_AND_OLD_IMAGES");
  }
  apply_stream_specification(context, request, meta);
  context.catalog.put(name, meta);
  if (meta.replicas != before) {
    std::set<std::string> notify = before;
    notify.insert(meta.replicas.begin(), meta.replicas.end());
    announce_replicas(context, spec, meta, notify);
  }
  json description = describe_table(context, name);
  if (!creating.empty()) {
    description["TableStatus"] = "UPDATING";
    for (json& replica : description["Replicas"]) {
      if (creating.contains(replica["RegionName"].get<std::string>())) {
        replica["ReplicaStatus"] = "CREATING";
      }
    }
  }
  return {{"TableDescription", description}};
}

// From another region: this table's replica set changed.
json set_replicas(CallContext& context, const json& request) {
  const std::string& name = string_field(request, "TableName");
  std::set<std::string> replicas = request.at("Replicas").get<std::set<std::string>>();
  bool held = false;
  for (const TableSpec& spec : context.region.tables())
    held = held || spec.name == name;
  if (!replicas.contains(context.catalog.region())) {
    if (held) context.region.delete_table(name);
    context.catalog.erase(name);
    return json::object();
  }
  if (!held) {
    TableSpec spec;
    spec.name = name;
    spec.key_schema = key_schema_from_request(request);
    context.region.create_table(spec);
    TableMeta fresh;
    fresh.created_epoch_us = context.epoch_us;
    context.catalog.put(name, fresh);
  }
  TableMeta meta = context.catalog.meta(name, context.epoch_us);
  meta.replicas = replicas;
  if (meta.is_global()) enable_stream(context, meta, "NEW_AND_OLD_IMAGES");
  context.catalog.put(name, meta);
  return json::object();
}

// The 2017 operations see only version 2017.11.29 global tables, and gtsim has none.
json legacy_global_table_call(const std::string& operation, const json& request) {
  if (operation == "ListGlobalTables") return {{"GlobalTables", json::array()}};
  if (operation == "DescribeGlobalTable" || operation == "UpdateGlobalTable" ||
      operation == "DescribeGlobalTableSettings" || operation == "UpdateGlobalTableSettings") {
    throw DynamoError(ErrorType::kResourceNotFound, "Global table not found");
  }
  throw_validation(
      "gtsim serves global tables version 2019.11.21 only; add replicas with UpdateTable "
      "ReplicaUpdates");
}

}  // namespace

bool is_table_operation(const std::string& operation) {
  static const std::set<std::string> operations = {"CreateTable",
                                                   "DescribeTable",
                                                   "ListTables",
                                                   "DeleteTable",
                                                   "UpdateTable",
                                                   "SetReplicas",
                                                   "CreateGlobalTable",
                                                   "ListGlobalTables",
                                                   "DescribeGlobalTable",
                                                   "UpdateGlobalTable",
                                                   "DescribeGlobalTableSettings",
                                                   "UpdateGlobalTableSettings"};
  return operations.contains(operation);
}

json describe_table(CallContext& context, const std::string& name) {
  const TableSpec& spec = context.region.table(name);
  const TableMeta& meta = context.catalog.meta(name, context.epoch_us);
  const std::string& region = context.catalog.region();
  Page all = context.region.scan(ScanRequest{name});
  size_t bytes = 0;
  for (const Item& item : all.items)
    bytes += item_size_bytes(item);
  json description = {
      {"TableName", name},
      {"TableStatus", "ACTIVE"},
      {"TableArn", table_arn(region, name)},
      {"TableId", name + "-" + region},
      {"AttributeDefinitions", attribute_definitions_json(spec.key_schema)},
      {"KeySchema", key_schema_json(spec.key_schema)},
      {"CreationDateTime", double(meta.created_epoch_us) / 1e6},
      {"ItemCount", all.items.size()},
      {"TableSizeBytes", bytes},
      {"BillingModeSummary", {{"BillingMode", meta.billing_mode}}},
      {"ProvisionedThroughput",
       {{"NumberOfDecreasesToday", 0},
        {"ReadCapacityUnits", meta.read_capacity},
        {"WriteCapacityUnits", meta.write_capacity}}},
      {"DeletionProtectionEnabled", false},
  };
  if (meta.stream_enabled) {
    description["StreamSpecification"] = {{"StreamEnabled", true},
                                          {"StreamViewType", meta.stream_view_type}};
    description["LatestStreamLabel"] = meta.stream_label;
    description["LatestStreamArn"] = stream_arn(region, name, meta.stream_label);
  }
  if (meta.is_global()) {
    description["GlobalTableVersion"] = "2019.11.21";
    json replicas = json::array();
    for (const std::string& replica : meta.replicas) {
      if (replica != region) {
        replicas.push_back({{"RegionName", replica}, {"ReplicaStatus", "ACTIVE"}});
      }
    }
    description["Replicas"] = replicas;
  }
  return description;
}

json execute_table_call(CallContext& context, const std::string& operation, const json& request) {
  if (operation == "CreateTable") return create_table(context, request);
  if (operation == "DescribeTable") {
    return {{"Table", describe_table(context, string_field(request, "TableName"))}};
  }
  if (operation == "ListTables") return list_tables(context, request);
  if (operation == "DeleteTable") return delete_table(context, request);
  if (operation == "UpdateTable") return update_table(context, request);
  if (operation == "SetReplicas") return set_replicas(context, request);
  return legacy_global_table_call(operation, request);
}

}  // namespace gtsim::api
