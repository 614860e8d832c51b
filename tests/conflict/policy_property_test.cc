// Seeded property tests: whatever the delivery order, with duplicates, replicas that have seen the
// same writes hold the same state, and that state is what an independent oracle says LWW gives.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "conflict/policy.h"

using namespace gtsim;

namespace {

const std::vector<std::string> kRegions = {"ap-southeast-2", "eu-west-1", "us-east-1"};
const std::vector<std::string> kAttributes = {"a", "b", "c"};

struct History {
  std::vector<LocalWrite> writes;
  std::vector<ItemState> states;  // state at the origin right after each write
};

// Regions write one item concurrently, each learning a random subset of the others' states
// before writing. Timestamps are random, with collisions, so tie-breaks are exercised.
History generate(const ConflictPolicy& policy, std::mt19937_64& rng, int write_count) {
  std::map<std::string, std::optional<ItemState>> replica;
  std::map<std::string, uint64_t> next_seq;
  History h;
  for (int i = 0; i < write_count; ++i) {
    const std::string& origin = kRegions[rng() % kRegions.size()];
    for (const ItemState& s : h.states) {
      if (rng() % 3 == 0) {
        auto& r = replica[origin];
        r = r ? policy.merge(*r, s) : s;
      }
    }
    LocalWrite w;
    w.version = {{origin, ++next_seq[origin]}, static_cast<int64_t>(rng() % 20)};
    int kind = static_cast<int>(rng() % 4);
    const auto& current = replica[origin];
    Item doc = current && current->document ? current->document->tree() : Item{};
    doc["id"] = "k";
    if (kind == 0) {
      w.kind = WriteKind::kDelete;
    } else if (kind == 1) {
      w.kind = WriteKind::kPut;
      doc = Item{{"id", "k"}};
      for (const auto& a : kAttributes) {
        if (rng() % 2) doc[a] = origin + "#" + std::to_string(i);
      }
    } else {
      w.kind = WriteKind::kUpdate;
      w.touched = {"id"};
      for (const auto& a : kAttributes) {
        if (rng() % 2 == 0) continue;
        w.touched.insert(a);
        if (rng() % 4 == 0) {
          doc.erase(a);
        } else {
          doc[a] = origin + "#" + std::to_string(i);
        }
      }
    }
    w.document = doc;
    ItemState s = policy.apply_local(current ? &*current : nullptr, w);
    replica[origin] = s;
    h.writes.push_back(w);
    h.states.push_back(s);
  }
  return h;
}

ItemState fold_in_random_order(const ConflictPolicy& policy, std::vector<ItemState> states,
                               std::mt19937_64& rng) {
  // Duplicates: resends must change nothing.
  size_t n = states.size();
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 2) states.push_back(states[rng() % n]);
  }
  std::shuffle(states.begin(), states.end(), rng);
  ItemState acc = states.front();
  for (size_t i = 1; i < states.size(); ++i)
    acc = policy.merge(acc, states[i]);
  return acc;
}

const LocalWrite& lww_max(const History& h) {
  return *std::max_element(h.writes.begin(), h.writes.end(), [](const auto& x, const auto& y) {
    return x.version.stamp() < y.version.stamp();
  });
}

// lww oracle: the document of the highest-stamped write.
std::optional<Item> lww_oracle(const History& h) {
  const LocalWrite& w = lww_max(h);
  if (w.kind == WriteKind::kDelete) return std::nullopt;
  return w.document;
}

// lww-attribute oracle, from the writes alone: the last put or delete hides everything before it;
// after it, each attribute takes the value of the highest-stamped write that set or removed it.
std::optional<Item> lww_attribute_oracle(const History& h) {
  std::optional<LwwStamp> replaced;
  for (const auto& w : h.writes) {
    if (w.kind != WriteKind::kUpdate)
      replaced = std::max(replaced, std::optional(w.version.stamp()));
  }
  std::map<std::string, std::pair<LwwStamp, std::optional<AttributeValue>>> best;
  for (const auto& w : h.writes) {
    if (replaced && w.version.stamp() < *replaced) continue;
    std::set<std::string> names = w.touched;
    if (w.kind == WriteKind::kPut) {
      for (const auto& [name, value] : w.document)
        names.insert(name);
    }
    for (const auto& name : names) {
      auto it = w.document.find(name);
      std::optional<AttributeValue> value;
      if (it != w.document.end()) value = it->second;
      auto [slot, inserted] = best.emplace(name, std::pair{w.version.stamp(), value});
      if (!inserted && w.version.stamp() > slot->second.first)
        slot->second = {w.version.stamp(), value};
    }
  }
  Item doc;
  for (const auto& [name, entry] : best) {
    if (entry.second) doc.emplace(name, *entry.second);
  }
  if (doc.empty()) return std::nullopt;
  return doc;
}

void check_policy(const char* name, std::optional<Item> (*oracle)(const History&)) {
  const ConflictPolicy& policy = policy_by_name(name);
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    History h = generate(policy, rng, 2 + static_cast<int>(seed % 12));
    ItemState first = fold_in_random_order(policy, h.states, rng);
    for (int replica = 0; replica < 3; ++replica) {
      REQUIRE(fold_in_random_order(policy, h.states, rng) == first);
    }
    REQUIRE(first.version == lww_max(h).version);
    REQUIRE(first.document == oracle(h));
  }
}

}  // namespace

TEST_CASE("lww converges to the LWW maximum under any delivery order") {
  check_policy("lww", lww_oracle);
}

TEST_CASE("lww-attribute converges to the per-attribute LWW maxima under any delivery order") {
  check_policy("lww-attribute", lww_attribute_oracle);
}

TEST_CASE("a policy that keeps whole documents joins states without them as with them") {
  // What Region::apply_one relies on to join states whose documents it holds only as text.
  CHECK_FALSE(policy_by_name("lww-attribute").keeps_whole_documents());
  const ConflictPolicy& policy = policy_by_name("lww");
  REQUIRE(policy.keeps_whole_documents());
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    History h = generate(policy, rng, 2 + static_cast<int>(seed % 12));
    for (const ItemState& a : h.states) {
      for (const ItemState& b : h.states) {
        const ItemState joined = policy.merge(a, b);
        const ItemState joined_bare = policy.merge(without_document(a), without_document(b));
        REQUIRE(without_document(joined) == joined_bare);
        // A version names its document: the join's is that of the side whose version it kept.
        const std::optional<Document>& kept =
            joined_bare.version == a.version ? a.document : b.document;
        REQUIRE(joined.document == kept);
      }
    }
  }
}
