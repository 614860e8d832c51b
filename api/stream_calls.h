// The DynamoDB Streams API of one region: ListStreams, DescribeStream, GetShardIterator
// (TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER) and GetRecords, over the
// region's change stream (Region::stream_after), in DynamoDB Streams' JSON.
//
// Each table's stream has one shard that never closes. Sequence numbers are the region's stream
// sequence numbers, so records of one table are ordered as they committed here, replicated writes
// included (as a global table's stream shows them). A shard iterator is an opaque token holding
// the table, the stream label and the position; it does not expire, but retention trims the
// records under it (Region::stream_trimmed_through): TRIM_HORIZON starts at the oldest record
// kept, and a sequence number or iterator before that answers TrimmedDataAccessException.
//
// Errors: DynamoError(kResourceNotFound) for an unknown stream or a table without one,
// kValidation for a malformed request or iterator, kTrimmedDataAccess for a position whose next
// record retention has trimmed.
// Thread-safety: as the Region.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "api/call_context.h"

namespace gtsim::api {

bool is_stream_operation(const std::string& operation);

nlohmann::json execute_stream_call(CallContext& context, const std::string& operation,
                                   const nlohmann::json& request);

// arn:aws:dynamodb:REGION:000000000000:table/TABLE/stream/LABEL
std::string stream_arn(const std::string& region, const std::string& table,
                       const std::string& label);
// arn:aws:dynamodb:REGION:000000000000:table/TABLE
std::string table_arn(const std::string& region, const std::string& table);

// The highest stream sequence number of the region (0 when its stream is empty).
uint64_t last_stream_seq(Region& region);

}  // namespace gtsim::api
