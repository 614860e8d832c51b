#include "conflict/policy.h"

#include <algorithm>

#include "model/errors.h"

namespace gtsim {
namespace {

VersionVector advanced_history(const ItemState* current, const Version& version) {
  VersionVector history = current ? current->history : VersionVector{};
  history.advance(version.id.origin, version.id.seq);
  return history;
}

VersionVector joined(const VersionVector& a, const VersionVector& b) {
  VersionVector out = a;
  out.merge(b);
  return out;
}

class LwwPolicy final : public ConflictPolicy {
 public:
  std::string_view name() const override { return "lww"; }

  ItemState write_state(const ItemState* current, const LocalWrite& write) const override {
    ItemState state;
    if (write.kind != WriteKind::kDelete) state.document = write.document;
    state.version = write.version;
    state.history = advanced_history(current, write.version);
    return state;
  }

  ItemState merge(const ItemState& local, const ItemState& incoming) const override {
    ItemState out = local.version.stamp() >= incoming.version.stamp() ? local : incoming;
    out.history = joined(local.history, incoming.history);
    return out;
  }

  bool keeps_whole_documents() const override { return true; }
};

class LwwAttributePolicy final : public ConflictPolicy {
 public:
  std::string_view name() const override { return "lww-attribute"; }

  ItemState write_state(const ItemState* current, const LocalWrite& write) const override {
    ItemState state = current ? *current : ItemState{};
    const LwwStamp stamp = write.version.stamp();
    switch (write.kind) {
      case WriteKind::kPut:
        state.replaced = stamp;
        for (const auto& [name, value] : write.document)
          state.cells[name] = {value, stamp};
        break;
      case WriteKind::kDelete:
        state.replaced = stamp;
        break;
      case WriteKind::kUpdate:
        for (const std::string& name : write.touched) {
          auto it = write.document.find(name);
          state.cells[name] = {
              it == write.document.end() ? std::nullopt : std::optional(it->second), stamp};
        }
        break;
    }
    state.version = write.version;
    state.history = advanced_history(current, write.version);
    normalize(state);
    return state;
  }

  ItemState merge(const ItemState& local, const ItemState& incoming) const override {
    ItemState out;
    out.version =
        local.version.stamp() >= incoming.version.stamp() ? local.version : incoming.version;
    out.history = joined(local.history, incoming.history);
    out.replaced = std::max(local.replaced, incoming.replaced);
    out.cells = local.cells;
    for (const auto& [name, cell] : incoming.cells) {
      auto [it, inserted] = out.cells.emplace(name, cell);
      if (!inserted && cell.stamp > it->second.stamp) it->second = cell;
    }
    normalize(out);
    return out;
  }

 private:
  // Drops cells hidden by the last replacement (they can never show again, since `replaced` only
  // grows) and derives the visible document from the rest.
  static void normalize(ItemState& state) {
    std::erase_if(state.cells, [&](const auto& entry) {
      return state.replaced && entry.second.stamp < *state.replaced;
    });
    Item document;
    for (const auto& [name, cell] : state.cells) {
      if (cell.value) document.emplace(name, *cell.value);
    }
    // Every put and update stamps the key attributes, so a visible item has at least them.
    if (document.empty()) {
      state.document.reset();
    } else {
      state.document = std::move(document);
    }
  }
};

// The built-in policies first, then registered ones, in registration order.
std::vector<const ConflictPolicy*>& registry() {
  static const LwwPolicy lww;
  static const LwwAttributePolicy lww_attribute;
  static std::vector<const ConflictPolicy*> policies = {&lww, &lww_attribute};
  return policies;
}

}  // namespace

const ConflictPolicy& policy_by_name(std::string_view name) {
  for (const ConflictPolicy* policy : registry()) {
    if (policy->name() == name) return *policy;
  }
  std::string known;
  for (const std::string& policy : policy_names())
    known += (known.empty() ? "" : ", ") + policy;
  throw_validation("unknown conflict policy '" + std::string(name) + "'; known policies: " + known);
}

std::vector<std::string> policy_names() {
  std::vector<std::string> names;
  for (const ConflictPolicy* policy : registry())
    names.emplace_back(policy->name());
  return names;
}

void register_policy(const ConflictPolicy& policy) {
  for (const std::string& name : policy_names()) {
    if (name == policy.name()) throw_validation("conflict policy registered twice: " + name);
  }
  registry().push_back(&policy);
}

Classification classify(const VersionVector& local, const VersionVector& incoming) {
  switch (local.compare(incoming)) {
    case CausalOrder::kEqual:
      return Classification::kDuplicate;
    case CausalOrder::kBefore:
      return Classification::kSupersedes;
    case CausalOrder::kAfter:
      return Classification::kStale;
    case CausalOrder::kConcurrent:
      return Classification::kConcurrent;
  }
  GTSIM_CHECK(false, "unreachable causal order");
}

const char* classification_name(Classification classification) {
  switch (classification) {
    case Classification::kSupersedes:
      return "supersedes";
    case Classification::kStale:
      return "stale";
    case Classification::kDuplicate:
      return "duplicate";
    case Classification::kConcurrent:
      return "concurrent";
  }
  return "unknown";
}

}  // namespace gtsim
