#include "api/stream_calls.h"

#include <fmt/core.h>

#include "model/errors.h"

namespace gtsim::api {
namespace {

using nlohmann::json;

constexpr const char* kShardId = "shardId-00000000000000000001-00000001";
constexpr size_t kScanChunk = 1000;

std::string sequence_number(uint64_t seq) {
  return fmt::format("{:021}", seq);
}

uint64_t parse_sequence_number(const std::string& text) {
  if (text.empty() || text.size() > 21 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    throw_validation("Invalid SequenceNumber: " + text);
  }
  return std::stoull(text);
}

// The table whose stream `arn` names; kResourceNotFound unless the stream is enabled now.
std::string table_of_stream(CallContext& context, const std::string& arn) {
  for (const TableSpec& spec : context.region.tables()) {
    const TableMeta& meta = context.catalog.meta(spec.name, context.epoch_us);
    if (meta.stream_enabled &&
        stream_arn(context.catalog.region(), spec.name, meta.stream_label) == arn) {
      return spec.name;
    }
  }
  throw DynamoError(ErrorType::kResourceNotFound,
                    "Requested resource not found: Stream: " + arn + " not found");
}

// Reading from `after` on needs the table's records after it, so the read fails once retention
// has trimmed the next of them (DynamoDB Streams' rule, with its message).
void check_not_trimmed(CallContext& context, const std::string& table, uint64_t after) {
  if (after < context.region.stream_trimmed_through(table)) {
    throw DynamoError(ErrorType::kTrimmedDataAccess,
                      "The data you are trying to access has been trimmed.");
  }
}

const std::string& text(const json& request, const char* name) {
  if (!request.contains(name) || !request[name].is_string()) {
    throw_validation(std::string("1 validation error detected: Value null at '") + name +
                     "' failed to satisfy constraint: Member must not be null");
  }
  return request[name].get_ref<const std::string&>();
}

// The first sequence number of the table's stream still held, if any.
std::optional<uint64_t> first_record_seq(CallContext& context, const std::string& table,
                                         uint64_t after) {
  for (;;) {
    std::vector<StreamRecord> records = context.region.stream_after(after, kScanChunk);
    if (records.empty()) return std::nullopt;
    for (const StreamRecord& r : records) {
      if (r.table == table) return r.stream_seq;
    }
    after = records.back().stream_seq;
  }
}

json list_streams(CallContext& context, const json& request) {
  json streams = json::array();
  std::string only = request.value("TableName", std::string());
  for (const TableSpec& spec : context.region.tables()) {
    const TableMeta& meta = context.catalog.meta(spec.name, context.epoch_us);
    if (!meta.stream_enabled || (!only.empty() && only != spec.name)) continue;
    streams.push_back(
        {{"StreamArn", stream_arn(context.catalog.region(), spec.name, meta.stream_label)},
         {"TableName", spec.name},
         {"StreamLabel", meta.stream_label}});
  }
  return {{"Streams", streams}};
}

json describe_stream(CallContext& context, const json& request) {
  const std::string& arn = text(request, "StreamArn");
  std::string table = table_of_stream(context, arn);
  const TableMeta& meta = context.catalog.meta(table, context.epoch_us);
  const KeySchema& schema = context.region.table(table).key_schema;
  json key_schema = json::array({{{"AttributeName", schema.partition.name}, {"KeyType", "HASH"}}});
  if (schema.sort)
    key_schema.push_back({{"AttributeName", schema.sort->name}, {"KeyType", "RANGE"}});
  json range = json::object();
  if (auto first = first_record_seq(context, table, meta.stream_start_seq)) {
    range["StartingSequenceNumber"] = sequence_number(*first);
  }
  return {{"StreamDescription",
           {{"StreamArn", arn},
            {"StreamLabel", meta.stream_label},
            {"StreamStatus", "ENABLED"},
            {"StreamViewType", meta.stream_view_type},
            {"CreationRequestDateTime", double(meta.created_epoch_us) / 1e6},
            {"TableName", table},
            {"KeySchema", key_schema},
            {"Shards", json::array({{{"ShardId", kShardId}, {"SequenceNumberRange", range}}})}}}};
}

// A shard iterator: "<stream arn>|<position>", base64 so clients treat it as opaque.
std::string make_iterator(const std::string& arn, uint64_t after) {
  return base64_encode(arn + "|" + std::to_string(after));
}

std::pair<std::string, uint64_t> read_iterator(const std::string& iterator) {
  std::string decoded;
  try {
    decoded = base64_decode(iterator);
  } catch (const DynamoError&) {
    throw_validation("Invalid ShardIterator");
  }
  size_t bar = decoded.rfind('|');
  if (bar == std::string::npos) throw_validation("Invalid ShardIterator");
  return {decoded.substr(0, bar), parse_sequence_number(decoded.substr(bar + 1))};
}

json get_shard_iterator(CallContext& context, const json& request) {
  const std::string& arn = text(request, "StreamArn");
  std::string table = table_of_stream(context, arn);
  if (text(request, "ShardId") != kShardId) {
    throw DynamoError(ErrorType::kResourceNotFound,
                      "Requested resource not found: Shard does not exist");
  }
  const TableMeta& meta = context.catalog.meta(table, context.epoch_us);
  const std::string& type = text(request, "ShardIteratorType");
  uint64_t after = 0;
  if (type == "TRIM_HORIZON") {
    // The oldest record still kept.
    after = std::max(meta.stream_start_seq, context.region.stream_trimmed_through(table));
  } else if (type == "LATEST") {
    after = last_stream_seq(context.region);
  } else if (type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER") {
    uint64_t seq = parse_sequence_number(text(request, "SequenceNumber"));
    after = type == "AT_SEQUENCE_NUMBER" ? seq - std::min<uint64_t>(seq, 1) : seq;
    after = std::max(after, meta.stream_start_seq);
    check_not_trimmed(context, table, after);
  } else {
    throw_validation("1 validation error detected: Value '" + type +
                     "' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy "
                     "enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, "
                     "TRIM_HORIZON]");
  }
  return {{"ShardIterator", make_iterator(arn, after)}};
}

json stream_record(CallContext& context, const StreamRecord& r, const std::string& view_type) {
  json dynamodb = {{"ApproximateCreationDateTime",
                    double((context.epoch_us - (context.now_us - r.applied_true_us)) / 1'000'000)},
                   {"Keys", item_to_json(r.key)},
                   {"SequenceNumber", sequence_number(r.stream_seq)},
                   {"StreamViewType", view_type}};
  size_t size = item_size_bytes(r.key);
  if (r.new_image && (view_type == "NEW_IMAGE" || view_type == "NEW_AND_OLD_IMAGES")) {
    dynamodb["NewImage"] = item_to_json(*r.new_image);
    size += item_size_bytes(*r.new_image);
  }
  if (r.old_image && (view_type == "OLD_IMAGE" || view_type == "NEW_AND_OLD_IMAGES")) {
    dynamodb["OldImage"] = item_to_json(*r.old_image);
    size += item_size_bytes(*r.old_image);
  }
  dynamodb["SizeBytes"] = size;
  return {
      {"eventID", fmt::format("{:016x}{:016x}", std::hash<std::string>{}(r.table), r.stream_seq)},
      {"eventName", stream_event_name(r.event)},
      {"eventVersion", "1.1"},
      {"eventSource", "aws:dynamodb"},
      {"awsRegion", context.catalog.region()},
      {"dynamodb", dynamodb}};
}

json get_records(CallContext& context, const json& request) {
  auto [arn, after] = read_iterator(text(request, "ShardIterator"));
  std::string table = table_of_stream(context, arn);
  const TableMeta& meta = context.catalog.meta(table, context.epoch_us);
  int64_t limit = request.value("Limit", int64_t(1000));
  if (limit < 1 || limit > 1000) {
    throw_validation("1 validation error detected: Value '" + std::to_string(limit) +
                     "' at 'limit' failed to satisfy constraint: Member must have value less "
                     "than or equal to 1000");
  }
  check_not_trimmed(context, table, after);
  json records = json::array();
  // Scan the region's stream (every table's) until enough of this table's records are found.
  for (;;) {
    std::vector<StreamRecord> chunk = context.region.stream_after(after, kScanChunk);
    if (chunk.empty()) break;
    for (const StreamRecord& r : chunk) {
      after = r.stream_seq;
      if (r.table == table) {
        records.push_back(stream_record(context, r, meta.stream_view_type));
        if (int64_t(records.size()) == limit) break;
      }
    }
    if (int64_t(records.size()) == limit) break;
  }
  return {{"Records", records}, {"NextShardIterator", make_iterator(arn, after)}};
}

}  // namespace

bool is_stream_operation(const std::string& operation) {
  return operation == "ListStreams" || operation == "DescribeStream" ||
         operation == "GetShardIterator" || operation == "GetRecords";
}

std::string table_arn(const std::string& region, const std::string& table) {
  return "arn:aws:dynamodb:" + region + ":000000000000:table/" + table;
}

std::string stream_arn(const std::string& region, const std::string& table,
                       const std::string& label) {
  return table_arn(region, table) + "/stream/" + label;
}

uint64_t last_stream_seq(Region& region) {
  uint64_t last = 0;
  for (;;) {
    std::vector<StreamRecord> chunk = region.stream_after(last, kScanChunk);
    if (chunk.empty()) return last;
    last = chunk.back().stream_seq;
  }
}

json execute_stream_call(CallContext& context, const std::string& operation, const json& request) {
  if (operation == "ListStreams") return list_streams(context, request);
  if (operation == "DescribeStream") return describe_stream(context, request);
  if (operation == "GetShardIterator") return get_shard_iterator(context, request);
  return get_records(context, request);
}

}  // namespace gtsim::api
