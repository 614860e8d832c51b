#include "scenarios/run_data.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <tuple>

#include <fmt/core.h>

#include "model/errors.h"
#include "model/json_text.h"
#include "regions/schema.h"
#include "regions/sqlite.h"

namespace gtsim::scenarios {
namespace {

using nlohmann::json;

constexpr const char* kHistoryFile = "history.jsonl";

// Reads the fields of one history line, naming the line in every error.
class Line {
 public:
  Line(const json& object, int number) : object_(object), number_(number) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw DynamoError(ErrorType::kValidation,
                      fmt::format("{}:{}: {}", kHistoryFile, number_, what));
  }
  const json& field(const char* name) const {
    if (!object_.contains(name)) fail(fmt::format("missing field \"{}\"", name));
    return object_[name];
  }
  int64_t integer(const char* name) const {
    const json& value = field(name);
    if (!value.is_number_integer()) fail(fmt::format("field \"{}\" must be an integer", name));
    return value.get<int64_t>();
  }
  std::string text(const char* name) const {
    const json& value = field(name);
    if (!value.is_string()) fail(fmt::format("field \"{}\" must be a string", name));
    return value.get<std::string>();
  }
  const json& object(const char* name) const {
    const json& value = field(name);
    if (!value.is_object()) fail(fmt::format("field \"{}\" must be an object", name));
    return value;
  }
  // An integer or null/absent.
  std::optional<int> optional_line() const {
    if (!object_.contains("line") || object_["line"].is_null()) return std::nullopt;
    return static_cast<int>(integer("line"));
  }
  const json& raw() const { return object_; }
  int number() const { return number_; }

 private:
  const json& object_;
  int number_;
};

// The object field `name` of `line`, moved out of `parsed`, the tree `line` reads: a request or
// response is most of a line, and copying its tree was 7% of reading the history.
json take_object(const Line& line, json& parsed, const char* name) {
  line.object(name);
  return std::move(parsed[name]);
}

void read_status(const Line& line, History& history) {
  StatusSample sample{line.integer("true_us"), {}};
  const json& regions = line.field("regions");
  if (!regions.is_array()) line.fail("field \"regions\" must be a list");
  for (const json& region : regions) {
    if (!region.is_object()) line.fail("each status region must be an object");
    const Line r(region, line.number());
    const std::string name = r.text("region");
    if (!r.field("links").is_array()) line.fail("field \"links\" must be a list");
    for (const json& link : r.field("links")) {
      if (!link.is_object()) line.fail("each status link must be an object");
      const Line l(link, line.number());
      sample.links.push_back({name, l.text("peer"), l.integer("pending"),
                              link.value("partitioned", false) || link.value("paused", false)});
    }
  }
  history.status.push_back(std::move(sample));
}

History read_history(const std::string& run_dir) {
  const std::string path = (std::filesystem::path(run_dir) / kHistoryFile).string();
  std::ifstream in(path);
  if (!in) throw DynamoError(ErrorType::kValidation, "cannot read " + path);
  History history;
  std::map<int64_t, HistoryOp> ops;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    if (text.empty()) continue;
    json object = json::parse(text, nullptr, false);
    const Line line(object, number);
    if (object.is_discarded() || !object.is_object()) line.fail("not a JSON object");
    const std::string event = line.text("event");
    const Micros at = line.integer("true_us");
    history.end_us = std::max(history.end_us, at);
    if (event == "start") {
      history.region_time_origin_us = object.value("region_time_origin_us", int64_t{0});
      if (object.contains("seed")) {
        if (!object["seed"].is_number_unsigned()) line.fail("\"seed\" is not a whole number");
        history.seed = object["seed"].get<uint64_t>();
      }
      history.replay = object.value("replay", std::string());
    } else if (event == "invoke") {
      HistoryOp op;
      op.op = line.integer("op");
      op.region = line.text("region");
      op.operation = line.text("operation");
      op.request = take_object(line, object, "request");
      op.invoked_us = at;
      op.line = line.optional_line();
      if (!ops.emplace(op.op, std::move(op)).second) line.fail("op invoked twice");
    } else if (event == "ok" || event == "fail") {
      auto found = ops.find(line.integer("op"));
      if (found == ops.end()) line.fail(event + " for an op that was never invoked");
      HistoryOp& op = found->second;
      if (op.outcome != HistoryOp::Outcome::kPending) line.fail("op completed twice");
      op.completed_us = at;
      if (event == "ok") {
        op.outcome = HistoryOp::Outcome::kOk;
        op.response = take_object(line, object, "response");
        try {
          op.versions();
        } catch (const std::exception& e) {
          line.fail(std::string("malformed Version in the response: ") + e.what());
        }
      } else {
        op.outcome = HistoryOp::Outcome::kFail;
        op.error_type = Line(line.object("error"), number).text("type");
      }
    } else if (event == "fault") {
      history.faults.push_back({at, line.text("fault"), object.value("detail", json::object()),
                                line.optional_line().value_or(0)});
    } else if (event == "status") {
      read_status(line, history);
    } else if (event == "step_failed" || event == "wait_timeout") {
      const std::string fallback =
          event == "wait_timeout" ? "wait: converged timed out" : "the step failed";
      history.failures.push_back(
          {event, at, line.optional_line().value_or(0), object.value("message", fallback)});
    }
    // Other events (converged, and any a later runner adds) carry nothing the report needs.
  }
  for (auto& [number, op] : ops)
    history.ops.push_back(std::move(op));
  return history;
}

std::optional<VersionId> optional_version_id(const sql::Statement& s, int origin_column) {
  if (s.column_is_null(origin_column)) return std::nullopt;
  return VersionId{s.column_text(origin_column),
                   static_cast<uint64_t>(s.column_int(origin_column + 1))};
}

// The region file as it is, its times raw true time; load_run shifts them to the history's clock.
RegionData read_region(const std::string& path, const std::string& name) {
  sql::Database db(path);
  // The report only reads; this guards the file against any write by mistake.
  db.exec("PRAGMA query_only = ON");
  const int64_t version = db.query_int("PRAGMA user_version");
  if (version != schema::kVersion) {
    throw DynamoError(ErrorType::kValidation,
                      fmt::format("{} has region file schema version {}; this gtsim reads {}", path,
                                  version, schema::kVersion));
  }
  RegionData region;
  region.name = name;
  sql::Statement meta(db, "SELECT value FROM region_meta WHERE key = 'name'");
  if (!meta.step() || meta.column_text(0) != name) {
    throw DynamoError(ErrorType::kValidation, path + " is not the region file of " + name);
  }
  sql::Statement tables(db, "SELECT name FROM global_tables ORDER BY name");
  while (tables.step())
    region.tables.push_back(tables.column_text(0));

  sql::Statement items(db,
                       "SELECT table_name, key, document, state FROM items ORDER BY table_name, "
                       "key");
  while (items.step()) {
    FinalItem item{items.column_text(0), items.column_text(1), {}};
    try {
      std::optional<Item> document;
      if (!items.column_is_null(2)) {
        document = item_from_stored_text(items.column_text(2));
      }
      item.state = state_from_json_text(items.column_text(3), std::move(document));
    } catch (const std::exception& e) {  // nlohmann's errors too: the state is read with it
      throw DynamoError(ErrorType::kValidation, fmt::format("{}: the item {} of table {}: {}", path,
                                                            item.key, item.table, e.what()));
    }
    region.items.push_back(std::move(item));
  }

  sql::Statement stream(
      db,
      "SELECT stream_seq, table_name, key, new_image IS NULL, origin, origin_seq, "
      "timestamp_us, commit_true_us, applied_true_us, is_local, overwrote_origin, "
      "overwrote_seq FROM stream ORDER BY stream_seq");
  while (stream.step()) {
    StreamRow row;
    row.stream_seq = stream.column_int(0);
    row.table = stream.column_text(1);
    row.key = stream.column_text(2);
    row.removed = stream.column_int(3) != 0;
    row.version = {{stream.column_text(4), static_cast<uint64_t>(stream.column_int(5))},
                   stream.column_int(6)};
    row.commit_us = stream.column_int(7);
    row.applied_us = stream.column_int(8);
    row.local = stream.column_int(9) != 0;
    row.overwrote = optional_version_id(stream, 10);
    region.stream.push_back(std::move(row));
  }

  sql::Statement applied(
      db,
      "SELECT origin, origin_seq, timestamp_us, table_name, key, commit_true_us, "
      "applied_true_us, classification, changed, lost_origin, lost_seq, "
      "lost_timestamp_us, resurrected FROM applied_log ORDER BY applied_true_us, "
      "origin, origin_seq");
  while (applied.step()) {
    AppliedRow row;
    row.version = {{applied.column_text(0), static_cast<uint64_t>(applied.column_int(1))},
                   applied.column_int(2)};
    row.table = applied.column_text(3);
    row.key = applied.column_text(4);
    row.commit_us = applied.column_int(5);
    row.applied_us = applied.column_int(6);
    row.classification = applied.column_text(7);
    row.changed = applied.column_int(8) != 0;
    if (std::optional<VersionId> lost = optional_version_id(applied, 9)) {
      row.lost = Version{*lost, applied.column_int(11)};
    }
    row.resurrected = applied.column_int(12) != 0;
    region.applied.push_back(std::move(row));
  }

  region.last_local_seq = static_cast<uint64_t>(db.query_int(schema::kLastLocalSeq));
  sql::Statement cursors(db, "SELECT origin, applied_seq FROM cursors");
  while (cursors.step())
    region.cursors[cursors.column_text(0)] = static_cast<uint64_t>(cursors.column_int(1));
  sql::Statement trims(db,
                       "SELECT trimmed_true_us, through_local_seq FROM stream_trims WHERE "
                       "through_local_seq IS NOT NULL ORDER BY trimmed_true_us, through_local_seq");
  while (trims.step()) {
    region.local_trims.push_back({trims.column_int(0), static_cast<uint64_t>(trims.column_int(1))});
  }
  return region;
}

void shift_to_history_clock(RegionData& region, Micros origin) {
  for (StreamRow& row : region.stream) {
    row.commit_us -= origin;
    row.applied_us -= origin;
  }
  for (AppliedRow& row : region.applied) {
    row.commit_us -= origin;
    row.applied_us -= origin;
  }
  for (LocalTrim& trim : region.local_trims)
    trim.at_us -= origin;
}

// A region file's data, or why it could not be read.
struct RegionRead {
  std::optional<RegionData> data;
  std::exception_ptr error;
};

}  // namespace

bool HistoryOp::is_write() const {
  return operation == "PutItem" || operation == "UpdateItem" || operation == "DeleteItem" ||
         operation == "TransactWriteItems";
}

std::vector<Version> HistoryOp::versions() const {
  std::vector<Version> out;
  if (outcome != Outcome::kOk) return out;
  if (response.contains("Version")) out.push_back(version_from_json(response["Version"]));
  if (response.contains("Versions")) {
    for (const json& version : response["Versions"])
      out.push_back(version_from_json(version));
  }
  return out;
}

std::string canonical_key(const json& key) {
  return item_to_json(item_from_json(key)).dump();
}

std::unique_ptr<RunData> load_run(const Scenario& scenario, const std::string& run_dir) {
  std::vector<std::string> names;
  for (const Region& region : scenario.regions)
    names.push_back(region.name);
  std::sort(names.begin(), names.end());
  auto path_of = [&](const std::string& name) {
    return (std::filesystem::path(run_dir) / (name + ".db")).string();
  };
  // The region files are read on a thread of their own while this one parses the history, the
  // other half of the work (the profile in docs/benchmarks.md). Errors are raised as a reading
  // in turn would meet them: the history's first, then each region's by name.
  std::future<std::vector<RegionRead>> regions = std::async(std::launch::async, [&] {
    std::vector<RegionRead> reads(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      if (!std::filesystem::exists(path_of(names[i]))) continue;
      try {
        reads[i].data = read_region(path_of(names[i]), names[i]);
      } catch (...) {
        reads[i].error = std::current_exception();
        break;  // no later region's error is raised before this one
      }
    }
    return reads;
  });
  auto run = std::make_unique<RunData>();
  run->history = read_history(run_dir);
  std::vector<RegionRead> reads = regions.get();
  for (size_t i = 0; i < names.size(); ++i) {
    if (reads[i].error) std::rethrow_exception(reads[i].error);
    if (!reads[i].data) {
      if (scenario.find_region(names[i])->initial_replica) {
        throw DynamoError(ErrorType::kValidation, "missing region file " + path_of(names[i]));
      }
      continue;
    }
    shift_to_history_clock(*reads[i].data, run->history.region_time_origin_us);
    run->regions.push_back(std::move(*reads[i].data));
  }
  for (const RegionData& region : run->regions) {
    for (const StreamRow& row : region.stream) {
      if (row.local) run->writes[row.version.id] = &row;
    }
  }
  return run;
}

}  // namespace gtsim::scenarios
