#include "sim/invariants.h"

#include <limits>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim::sim {
namespace {

std::string name_of(const VersionId& id) {
  return fmt::format("{}#{}", id.origin, id.seq);
}

std::string name_of(const Version& version) {
  return fmt::format("{}#{} (ts {})", version.id.origin, version.id.seq, version.timestamp_us);
}

}  // namespace

const char* invariant_name(int invariant) {
  static const char* const kNames[] = {"convergence", "the LWW oracle", "no missing write",
                                       "exactly-once in-order apply", "stream and cursors"};
  GTSIM_CHECK(invariant >= 1 && invariant <= 5, "no invariant " + std::to_string(invariant));
  return kNames[invariant - 1];
}

bool replicas_converged(const std::vector<replication::RegionStatus>& statuses) {
  for (const replication::RegionStatus& s : statuses) {
    if (s.digests != statuses.front().digests) return false;
    for (const replication::RegionStatus& origin : statuses) {
      if (origin.region == s.region || origin.last_local_seq == 0) continue;
      auto it = s.cursors.find(origin.region);
      if (it == s.cursors.end() || it->second != origin.last_local_seq) return false;
    }
  }
  return true;
}

InvariantChecker::InvariantChecker(TableSpec table) : table_(std::move(table)) {}

void InvariantChecker::fail(int invariant, std::string detail) {
  if (!violation_) violation_ = Violation{invariant, std::move(detail)};
}

void InvariantChecker::acknowledged(const std::string& key, const Version& version,
                                    std::optional<Item> document) {
  writes_by_key_[key].push_back(Write{version, std::move(document)});
  writes_by_origin_[version.id.origin].push_back(version);
  ++writes_;
}

void InvariantChecker::applied(const std::string& region, const ApplyOutcome& outcome) {
  if (outcome.id.origin == region) {
    fail(4, fmt::format("{} applied its own write {} as a remote change", region,
                        name_of(outcome.id)));
  }
  std::vector<uint64_t>& seqs = applied_[{region, outcome.id.origin}];
  if (!seqs.empty() && outcome.id.seq <= seqs.back()) {
    fail(4, fmt::format("{} applied {} after {}#{}: twice or out of order", region,
                        name_of(outcome.id), outcome.id.origin, seqs.back()));
  }
  seqs.push_back(outcome.id.seq);
}

void InvariantChecker::check_region(Region& region) {
  const std::string& name = region.name();
  const std::vector<Version>& acked = writes_by_origin_[name];
  // Retention may have trimmed the oldest local changes; those it kept run without a gap.
  const uint64_t first = region.first_retained_local_seq();
  std::vector<ChangeRecord> local =
      region.local_changes_after(first - 1, std::numeric_limits<uint32_t>::max());
  if (local.size() != region.last_local_seq() - (first - 1)) {
    fail(5, fmt::format("{} holds {} local changes from sequence {} to {}", name, local.size(),
                        first, region.last_local_seq()));
    return;
  }
  for (size_t i = 0; i < local.size(); ++i) {
    if (local[i].version.id != VersionId{name, first + i}) {
      fail(5,
           fmt::format("{}'s local change {} is {}", name, first + i, name_of(local[i].version)));
      return;
    }
  }
  for (const Version& version : acked) {
    if (version.id.seq < first) continue;  // trimmed
    if (version.id.seq > region.last_local_seq() ||
        local[version.id.seq - first].version != version) {
      fail(5, fmt::format("{} lost its acknowledged write {}", name, name_of(version)));
      return;
    }
  }
  for (const auto& [origin, cursor] : region.applied_cursors()) {
    auto it = applied_.find({name, origin});
    uint64_t last = it == applied_.end() || it->second.empty() ? 0 : it->second.back();
    if (cursor != last) {
      fail(5, fmt::format("{}'s cursor for {} is {} but it applied up to {}", name, origin, cursor,
                          last));
      return;
    }
  }
  uint64_t previous = 0;
  for (const StreamRecord& record : region.stream_after(0, std::numeric_limits<uint32_t>::max())) {
    if (record.stream_seq <= previous) {
      fail(5, fmt::format("{}'s stream goes from {} to {}", name, previous, record.stream_seq));
      return;
    }
    previous = record.stream_seq;
  }
}

void InvariantChecker::check_final(SimCluster& cluster) {
  std::vector<replication::RegionStatus> statuses = cluster.status();
  if (statuses.size() != cluster.region_files().size()) {
    fail(1, "a region is still down after the heal");
    return;
  }
  if (!replicas_converged(statuses)) {
    std::string detail = "replicas differ after the heal:";
    for (const replication::RegionStatus& s : statuses) {
      detail += fmt::format(" {} digest {} seq {};", s.region,
                            s.digests.at(table_.name).substr(0, 8), s.last_local_seq);
    }
    fail(1, detail);
    return;
  }
  for (const replication::RegionStatus& s : statuses) {
    Region& region = *cluster.region(s.region);
    check_region(region);
    for (const auto& [key, writes] : writes_by_key_) {
      const Write* winner = &writes.front();
      for (const Write& w : writes) {
        if (w.version.stamp() > winner->version.stamp()) winner = &w;
      }
      Key item_key = item_from_json({{table_.key_schema.partition.name, {{"S", key}}}});
      std::optional<ItemState> state = region.item_state(table_.name, item_key);
      if (!state && !winner->document) continue;  // a delete won; retention purged its tombstone
      if (!state) {
        fail(3, fmt::format("{} holds nothing for {}, written {} times", s.region, key,
                            writes.size()));
        return;
      }
      if (state->version != winner->version) {
        fail(2, fmt::format("{}: {} holds {} but the LWW maximum is {}", s.region, key,
                            name_of(state->version), name_of(winner->version)));
        return;
      }
      const Item* held = state->document_tree();
      const Item* won = winner->document ? &*winner->document : nullptr;
      if (table_.conflict_policy == "lww" && (held && won ? *held != *won : held != won)) {
        fail(2, fmt::format("{}: {} holds {} but its winner {} wrote {}", s.region, key,
                            held ? item_to_json(*held).dump() : "nothing", name_of(winner->version),
                            won ? item_to_json(*won).dump() : "nothing"));
        return;
      }
      for (const Write& w : writes) {
        if (state->history.get(w.version.id.origin) < w.version.id.seq) {
          fail(3, fmt::format("{}: acknowledged write {} of {} is missing from its final state",
                              s.region, name_of(w.version), key));
          return;
        }
      }
    }
    for (const replication::RegionStatus& origin : statuses) {
      if (origin.region == s.region) continue;
      auto it = applied_.find({s.region, origin.region});
      size_t count = it == applied_.end() ? 0 : it->second.size();
      if (count != origin.last_local_seq) {
        fail(4, fmt::format("{} applied {} of the {} changes of {}", s.region, count,
                            origin.last_local_seq, origin.region));
        return;
      }
    }
  }
}

}  // namespace gtsim::sim
