#include "viz/elle_history.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "conflict/item_state.h"
#include "model/errors.h"

namespace gtsim::viz {
namespace {

using nlohmann::json;

struct MicroOp {
  bool write = false;
  std::string key;        // the register: item_label of the item
  json version = json();  // reads: the version returned (null: no item)
};

const TableSpec& table_spec(const scenarios::Scenario& scenario, const json& name) {
  const scenarios::Table* table =
      name.is_string() ? scenario.find_table(name.get<std::string>()) : nullptr;
  if (!table)
    throw DynamoError(ErrorType::kValidation, "history names an unknown table " + name.dump());
  return table->spec;
}

std::string register_of_key(const scenarios::Scenario& scenario, const json& request) {
  const TableSpec& spec = table_spec(scenario, request.value("TableName", json()));
  return item_label({spec.name, scenarios::canonical_key(request.value("Key", json()))});
}

std::string register_of_item(const scenarios::Scenario& scenario, const json& request) {
  const TableSpec& spec = table_spec(scenario, request.value("TableName", json()));
  const Key key = spec.key_schema.key_of_item(item_from_json(request.value("Item", json())));
  return item_label({spec.name, scenarios::canonical_key(item_to_json(key))});
}

// The registers an operation reads or writes, in request order; empty for operations that are
// not register reads or writes.
std::vector<MicroOp> micro_ops(const scenarios::Scenario& scenario, const HistoryOp& op) {
  const json& request = op.request;
  if (op.operation == "PutItem") return {{true, register_of_item(scenario, request)}};
  if (op.operation == "UpdateItem" || op.operation == "DeleteItem") {
    return {{true, register_of_key(scenario, request)}};
  }
  if (op.operation == "GetItem") {
    return {{false, register_of_key(scenario, request), op.response.value("Version", json())}};
  }
  std::vector<MicroOp> out;
  if (op.operation == "TransactWriteItems") {
    for (const json& entry : request.value("TransactItems", json::array())) {
      if (entry.contains("Put")) out.push_back({true, register_of_item(scenario, entry["Put"])});
      for (const char* kind : {"Update", "Delete"}) {
        if (entry.contains(kind)) out.push_back({true, register_of_key(scenario, entry[kind])});
      }
    }
  } else if (op.operation == "TransactGetItems") {
    const json versions = op.response.value("Versions", json::array());
    for (const json& entry : request.value("TransactItems", json::array())) {
      if (!entry.contains("Get")) continue;
      const size_t i = out.size();
      out.push_back({false, register_of_key(scenario, entry["Get"]),
                     i < versions.size() ? versions[i] : json()});
    }
  }
  return out;
}

}  // namespace

json elle_history(const scenarios::Scenario& scenario, const RunIndex& index) {
  struct Event {
    Micros at_us;
    // At one instant: completions of earlier invokes (0), then invokes (1), then completions of
    // those invokes (2), so a process is free again first and never completes before it starts.
    int rank;
    const HistoryOp* op;
  };
  std::vector<Event> events;
  std::map<const HistoryOp*, std::vector<MicroOp>> mops;
  for (const HistoryOp& op : index.run().history.ops) {
    std::vector<MicroOp> m = micro_ops(scenario, op);
    if (m.empty()) continue;
    mops[&op] = std::move(m);
    events.push_back({op.invoked_us, 1, &op});
    if (op.outcome != HistoryOp::Outcome::kPending)
      events.push_back({op.completed_us, op.completed_us > op.invoked_us ? 0 : 2, &op});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.at_us, a.rank, a.op->op) < std::tie(b.at_us, b.rank, b.op->op);
  });

  std::set<int64_t> free_processes;
  int64_t next_process = 0;
  std::map<const HistoryOp*, int64_t> process_of;
  json history = json::array();
  auto emit = [&](const HistoryOp& op, const char* type, Micros at_us, bool completed) {
    json value = json::array();
    for (const MicroOp& m : mops.at(&op)) {
      json v;  // invoked reads have no value yet
      if (m.write) {
        v = op.op;
      } else if (completed && !m.version.is_null()) {
        const VersionId id = version_from_json(m.version).id;
        const HistoryOp* writer = index.op_of(id);
        v = writer ? json(writer->op) : json(version_label(id));
      }
      value.push_back({m.write ? "w" : "r", m.key, v});
    }
    history.push_back({{"type", type},
                       {"f", "txn"},
                       {"value", value},
                       {"process", process_of.at(&op)},
                       {"time", at_us * 1000},
                       {"index", static_cast<int64_t>(history.size())},
                       {"region", op.region}});
  };
  for (const Event& event : events) {
    const HistoryOp& op = *event.op;
    if (event.rank == 1) {
      int64_t process = next_process;
      if (free_processes.empty()) {
        ++next_process;
      } else {
        process = *free_processes.begin();
        free_processes.erase(free_processes.begin());
      }
      process_of[&op] = process;
      emit(op, "invoke", op.invoked_us, false);
    } else {
      emit(op, op.outcome == HistoryOp::Outcome::kOk ? "ok" : "fail", op.completed_us, true);
      free_processes.insert(process_of.at(&op));
    }
  }
  // Operations without a response end the history as indeterminate.
  for (const Event& event : events) {
    if (event.rank == 1 && event.op->outcome == HistoryOp::Outcome::kPending)
      emit(*event.op, "info", index.run().history.end_us, true);
  }
  return history;
}

}  // namespace gtsim::viz
