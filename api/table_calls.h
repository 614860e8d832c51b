// The table operations of DynamoDB's API, for one region: CreateTable, DescribeTable, ListTables,
// DeleteTable, UpdateTable (ReplicaUpdates, StreamSpecification, billing), and the 2017 global
// table operations, answered as DynamoDB answers them for a version 2019.11.21 table.
//
// Requests and responses are DynamoDB's JSON. A replica change (UpdateTable ReplicaUpdates, or
// DeleteTable of a global table's replica) changes this region at once and leaves one PeerCall
// "SetReplicas" per other region concerned in the context: {TableName, AttributeDefinitions,
// KeySchema, Replicas: [names]}; the region receiving it creates the table if it is among
// Replicas and lacks it, deletes it if it is not among them, and records the replica set.
//
// Errors: DynamoError with DynamoDB's types and messages (kResourceNotFound for a missing table,
// kResourceInUse for an existing one, kValidation for a malformed request).
// Thread-safety: as the Region.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/call_context.h"

namespace gtsim::api {

// Whether `operation` is one of the table operations above ("SetReplicas" included).
bool is_table_operation(const std::string& operation);

nlohmann::json execute_table_call(CallContext& context, const std::string& operation,
                                  const nlohmann::json& request);

// DynamoDB's TableDescription of an existing table (throws kResourceNotFound).
nlohmann::json describe_table(CallContext& context, const std::string& table);

}  // namespace gtsim::api
