// DynamoDB API calls against one region's copy, in DynamoDB's request and response JSON.
//
// The control channel carries an orchestrator's client operations this way, so that what a
// scenario asks reads like a DynamoDB request, and the DynamoDB endpoint (api/) serves its item
// operations through here too, so there is one implementation of each: PutItem, GetItem,
// UpdateItem, DeleteItem, Query, Scan, BatchWriteItem, BatchGetItem, TransactWriteItems and
// TransactGetItems with their usual fields (TableName, Item, Key, RequestItems, TransactItems, the
// expressions and their ExpressionAttributeNames/Values, ReturnValues, ConsistentRead, Limit,
// ExclusiveStartKey, ScanIndexForward, Select), plus CreateTable taking gtsim's table spec
// (regions/table_spec.h). Responses are DynamoDB's, with one addition: "Version" (and "Versions"
// for many items, one per item, null for a missing one) tells which write produced what was
// written or read, for the run's history.
//
// Errors: DynamoError as the region raises it, and kValidation for a malformed request or an
// unknown operation. Thread-safety: as the Region.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "regions/region.h"

namespace gtsim::replication {

nlohmann::json execute_api_call(Region& region, const std::string& operation,
                                const nlohmann::json& request, int64_t now_us);

}  // namespace gtsim::replication
