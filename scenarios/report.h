// Report: what replication did in one run, computed from the run directory alone.
//
// build_report reads the region files (items, stream, applied_log, purged_tombstones, cursors,
// stream_trims) and
// history.jsonl that a run leaves behind, never the orchestrator's own bookkeeping, so a report can
// be rebuilt from any past run directory (`gtsim report RUN_DIR`). docs/report-format.md defines
// every figure; report_json.h and report_summary.h render a Report.
//
// Time: every instant is in microseconds of true time since the run started (history.jsonl's
// clock); every duration is in microseconds. Lists are sorted, so equal runs give equal reports.
//
// Thread-safety: value types; build_report is reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conflict/version.h"
#include "model/key_schema.h"
#include "scenarios/scenario.h"

namespace gtsim::scenarios {

// Replication lag statistics over `count` records (DynamoDB's ReplicationLatency). Percentiles
// are nearest-rank; avg is the mean rounded to the nearest microsecond. All zero when count == 0.
struct LagStats {
  int64_t count = 0;
  Micros avg = 0, min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  bool operator==(const LagStats&) const = default;
};

// Lag of the records that committed at their origin in [start_us, start_us + bucket width).
struct LagBucket {
  Micros start_us = 0;
  LagStats stats;
};

struct LinkLag {
  LinkId link;  // (origin, receiver)
  LagStats stats;
  std::vector<LagBucket> buckets;  // non-empty buckets only, by start
};

// PendingReplicationCount of one link (records the origin holds that the receiver has not
// acknowledged), as sampled: one point where the value changes.
struct PendingPoint {
  Micros at_us = 0;
  int64_t pending = 0;
};

struct LinkBacklog {
  LinkId link;
  std::vector<PendingPoint> series;
  int64_t peak = 0;
  Micros peak_at_us = 0;
};

// How one link drained its backlog after a heal, restart or resume.
struct CatchUp {
  std::string fault;  // "heal", "restart" or "resume"
  int line = 0;       // of the fault's step
  Micros fault_at_us = 0;
  LinkId link;
  int64_t backlog = 0;  // pending at the first sample after the fault
  int64_t peak = 0;     // highest pending from when the backlog began until it drained
  std::optional<Micros> catch_up_us;  // from the fault until pending was 0; nullopt: never
};

// A key whose replicas differ at the end: each region's winning version (nullopt: no item).
struct Divergence {
  std::string table;
  Key key;
  std::vector<std::pair<std::string, std::optional<Version>>> winners;  // by region
};

struct Convergence {
  bool converged = false;
  Micros last_write_us = 0;  // commit of the run's last write (0 without writes)
  // From the last write until the last change any replica applied; nullopt unless converged.
  std::optional<Micros> convergence_time_us;
  size_t divergent_keys = 0;
  std::vector<Divergence> examples;  // the first few divergent keys
};

// Two concurrent versions of one item that met in at least one region; LWW picked `winner`.
struct Conflict {
  std::string table;
  Key key;
  Version winner, loser;
  // Where the two met: (region, true time of the apply), by time.
  std::vector<std::pair<std::string, Micros>> detected;
  std::string explanation;
};

// An acknowledged write that is in no final state and was only ever overwritten by writes
// concurrent with it (docs/report-format.md gives the exact rule).
struct LostWrite {
  std::string table;
  Key key;
  Version version;
  int64_t op = 0;  // history op number of the write
  std::string operation;
  Micros acked_us = 0;
  Version beaten_by;  // the concurrent write LWW preferred where it was first discarded
  std::string explanation;
};

// A read that returned an older version (or no item) than a write to the key that had already
// been acknowledged, in any region, when the read was invoked.
struct StaleRead {
  int64_t op = 0;
  std::string region;
  std::string operation;  // GetItem, Query or Scan
  bool consistent = false;
  std::string table;
  Key key;
  Micros invoked_us = 0;
  std::optional<Version> returned;  // nullopt: no item
  Version missed;                   // the newest write acknowledged before the read
  Micros missed_acked_us = 0;
  Micros staleness_us = 0;  // since the read's answer stopped matching acknowledged writes
  std::string explanation;
};

// A replicated write that brought an item back after the tombstone of its delete was purged.
struct Resurrection {
  std::string region;
  std::string table;
  Key key;
  Version version;
  Micros applied_us = 0;
  std::string explanation;
};

// A directed link that fell out of sync: the origin's stream retention trimmed writes the
// receiver had not applied, so nothing more reaches it from that origin until it is copied again.
struct OutOfSync {
  LinkId link;               // (origin, receiver)
  Micros at_us = 0;          // the trim that removed the first write the receiver never applied
  uint64_t applied_seq = 0;  // the receiver's cursor: the origin's writes it applied, in order
  int64_t missed = 0;        // the origin's writes after that cursor, which it never received
  std::string explanation;
};

// One checked expectation: a final `expect:` metric or item, or a step that failed at runtime.
struct ExpectationResult {
  std::string kind;  // "metric", "item" or "step"
  std::string text;  // the key as written ("lag.p99"), the item, or the step's failure
  int line = 0;
  bool passed = false;
  std::string expected;  // e.g. "< 250ms"
  std::string actual;    // e.g. "212.000ms"
};

struct OperationCounts {
  int64_t invoked = 0, ok = 0, failed = 0;
};

struct Report {
  std::string scenario;
  std::optional<uint64_t> seed;  // nullopt for a run whose history does not record it
  std::string replay;            // the command that plays the run again; empty when unknown
  std::vector<std::string> regions;
  Micros run_length_us = 0;
  OperationCounts operations;

  Micros bucket_width_us = 0;
  LagStats overall;
  std::vector<LagBucket> overall_buckets;
  std::vector<LinkLag> links;  // every directed link between the scenario's regions

  std::vector<LinkBacklog> backlog;  // links that appear in status samples
  std::vector<CatchUp> catch_ups;

  Convergence convergence;
  std::vector<Conflict> conflicts;
  std::vector<LostWrite> lost_writes;
  std::vector<StaleRead> stale_reads;
  std::vector<Resurrection> resurrections;
  std::vector<OutOfSync> out_of_sync;  // by origin, then receiver
  std::vector<ExpectationResult> expectations;

  bool all_passed() const;
};

struct RunData;

// Builds the report of the run in `run_dir` for `scenario` (the scenario that run played). Throws
// DynamoError(kValidation) for a malformed run directory, naming the file (and line of
// history.jsonl) at fault, and DynamoError(kInternal) when a region file cannot be read.
Report build_report(const Scenario& scenario, const std::string& run_dir);
// The same from a run directory already read with load_run, which is most of the cost: the HTML
// report reads the same data. Throws DynamoError(kValidation) for an operation of history.jsonl
// that the analyses cannot read.
Report build_report(const Scenario& scenario, const RunData& run);

}  // namespace gtsim::scenarios
