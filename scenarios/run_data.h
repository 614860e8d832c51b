// RunData: the raw content of a run directory, read for the report.
//
// history.jsonl becomes operations (invoke joined with its ok or fail), faults, status samples and
// step failures; each region file becomes its final items, its stream, its apply log, its cursors
// and the trims of its own writes. Region
// files are opened read-only and left untouched. Times are converted to the history's clock (true
// microseconds since the run started): region files hold raw true time, which is the history's
// plus `region_time_origin_us` (the "start" event's field, 0 when the history has no such event,
// as in deterministic runs where both clocks are virtual time from 0).
//
// Keys are kept as canonical DynamoDB JSON text (sorted attribute names, as the region file's
// `key` columns hold them) so they compare as strings.
//
// Errors: DynamoError(kValidation) for a malformed or missing file, naming it (and the line of
// history.jsonl); DynamoError(kInternal) when SQLite cannot read a region file.
// Thread-safety: value types; load_run is reentrant, and reads the region files on a thread of its
// own while it parses the history.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conflict/item_state.h"
#include "scenarios/scenario.h"

namespace gtsim::scenarios {

// One client operation: its invoke event joined with its completion.
struct HistoryOp {
  enum class Outcome { kPending, kOk, kFail };
  int64_t op = 0;
  std::string region;
  std::string operation;  // PutItem, GetItem, ... TransactWriteItems
  nlohmann::json request;
  Micros invoked_us = 0;
  Outcome outcome = Outcome::kPending;
  Micros completed_us = 0;  // kOk, kFail
  nlohmann::json response;  // kOk
  std::string error_type;   // kFail
  std::optional<int> line;  // the scenario step, nullopt for workload operations

  bool is_write() const;  // PutItem, UpdateItem, DeleteItem or TransactWriteItems
  // The versions an ok response names: "Version", or "Versions" in order.
  std::vector<Version> versions() const;
};

struct HistoryFault {
  Micros at_us = 0;
  std::string fault;  // partition, heal, crash, restart, ...
  nlohmann::json detail;
  int line = 0;
};

struct StatusLink {
  std::string region, peer;  // records flow region -> peer
  int64_t pending = 0;
  bool blocked = false;  // partitioned or paused: it cannot drain
};

struct StatusSample {
  Micros at_us = 0;
  std::vector<StatusLink> links;
};

// A step_failed or wait_timeout event.
struct StepFailure {
  std::string event;
  Micros at_us = 0;
  int line = 0;
  std::string message;
};

struct History {
  std::vector<HistoryOp> ops;  // by op number
  std::vector<HistoryFault> faults;
  std::vector<StatusSample> status;
  std::vector<StepFailure> failures;
  Micros region_time_origin_us = 0;
  Micros end_us = 0;  // the last event's time
  // The run's seed and the command that replays it, from the "start" event (absent in histories
  // written before the runner recorded them).
  std::optional<uint64_t> seed;
  std::string replay;
};

struct FinalItem {
  std::string table;
  std::string key;
  ItemState state;  // document nullopt: a tombstone
};

struct StreamRow {
  int64_t stream_seq = 0;
  std::string table, key;
  bool removed = false;  // the change left no item (REMOVE)
  Version version;
  Micros commit_us = 0, applied_us = 0;
  bool local = false;
  std::optional<VersionId> overwrote;  // local rows: the version the write replaced here
};

struct AppliedRow {
  Version version;
  std::string table, key;
  Micros commit_us = 0, applied_us = 0;
  std::string classification;  // supersedes, stale, duplicate, concurrent
  bool changed = false;
  std::optional<Version> lost;
  bool resurrected = false;
};

// A trim that removed some of the region's own writes from its stream (stream_trims).
struct LocalTrim {
  Micros at_us = 0;
  uint64_t through_seq = 0;  // the highest origin sequence of this region it removed
};

struct RegionData {
  std::string name;
  std::vector<std::string> tables;          // the tables it holds a replica of
  std::vector<FinalItem> items;             // by (table, key)
  std::vector<StreamRow> stream;            // by stream_seq
  std::vector<AppliedRow> applied;          // by applied time, then origin and sequence
  uint64_t last_local_seq = 0;              // origin sequence of its latest write
  std::map<std::string, uint64_t> cursors;  // origin -> highest origin sequence applied here
  std::vector<LocalTrim> local_trims;       // by time
};

struct RunData {
  History history;
  std::vector<RegionData> regions;  // by name
  // Every write, from its origin's stream: (origin, seq) -> that local stream row.
  std::map<VersionId, const StreamRow*> writes;

  RunData() = default;
  RunData(const RunData&) = delete;  // `writes` points into `regions`
  RunData& operator=(const RunData&) = delete;
};

// Reads history.jsonl and the file of every region of `scenario` from `run_dir`. A region that
// only joins through add_replica may have no file.
std::unique_ptr<RunData> load_run(const Scenario& scenario, const std::string& run_dir);

// Canonical key text of a key in DynamoDB JSON; throws DynamoError(kValidation) when it is not.
std::string canonical_key(const nlohmann::json& key);

}  // namespace gtsim::scenarios
