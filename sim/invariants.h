// InvariantChecker: the swarm's judge of a deterministic run, built from what clients and regions
// observably did, never from the replication code's own bookkeeping.
//
// It records every acknowledged write (its version from the response and, for lww, the item it
// left at its origin) and every remote change each region applied (SimCluster's on_applied), and
// checks the invariants of deterministic mode:
//   1. convergence: after the heal every replica holds the same table and every change record;
//   2. the LWW oracle: each key's final version is the maximum under the LWW order of every
//      acknowledged version of that key, and under lww its item is the one that version wrote;
//   3. no acknowledged write is missing: the final state of its key includes it in its history
//      (so a write that is not the winner was beaten by a higher LWW stamp, not dropped);
//   4. per region and origin, remote changes are applied in strictly increasing sequence, once
//      each, and in the end all of them;
//   5. a region's stream and cursors are consistent (checked after every restart and at the end):
//      its local changes are exactly sequences first..last, where first is 1 unless retention
//      trimmed older ones, acknowledged writes among them with their versions, its applied cursors
//      match what it applied, its stream sequence rises.
// A key whose winner is a delete may hold nothing at all once retention purged its tombstone;
// its history is then gone, and invariant 3 is not checked for it.
// The first violation is kept; later checks do nothing.
//
// Thread-safety: not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "regions/region.h"
#include "regions/table_spec.h"
#include "replicator/control.h"
#include "sim/sim_cluster.h"

namespace gtsim::sim {

struct Violation {
  int invariant = 0;  // 1 to 5, as above
  std::string detail;
};

// "convergence", "the LWW oracle", ... for invariant 1 to 5.
const char* invariant_name(int invariant);

// Whether every region in `statuses` holds the same tables and has applied every record of every
// other region in `statuses`.
bool replicas_converged(const std::vector<replication::RegionStatus>& statuses);

class InvariantChecker {
 public:
  explicit InvariantChecker(TableSpec table);

  // A write acknowledged to its client with `version`; `document` is the item as the write left it
  // at its origin (nullopt for a delete).
  void acknowledged(const std::string& key, const Version& version, std::optional<Item> document);
  // A remote change `region` applied.
  void applied(const std::string& region, const ApplyOutcome& outcome);
  // Invariant 5 on one live region.
  void check_region(Region& region);
  // Invariants 1 to 5 on a cluster whose regions are all up, links healed and settled.
  void check_final(SimCluster& cluster);

  const std::optional<Violation>& violation() const { return violation_; }
  size_t writes() const { return writes_; }

 private:
  struct Write {
    Version version;
    std::optional<Item> document;
  };
  void fail(int invariant, std::string detail);

  TableSpec table_;
  std::map<std::string, std::vector<Write>> writes_by_key_;
  std::map<std::string, std::vector<Version>> writes_by_origin_;
  // (region, origin) -> sequences applied, in order.
  std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> applied_;
  size_t writes_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace gtsim::sim
