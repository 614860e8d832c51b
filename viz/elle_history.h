// The run's client operations as a history for Jepsen's Elle (elle-cli's JSON input, checked with
// `--model rw-register`): every item is a register named by its table and key, every write
// writes a value unique to it (its history op number), and a read reads the op number of the write
// whose version it returned (null for no item).
//
// Each operation becomes an invoke and a completion: "ok", "fail" (DynamoDB refused it, so it took
// no effect) or "info" (no response recorded: it may or may not have happened). Each is
// {"type", "f": "txn", "value": [["w"|"r", key, value], ...], "process", "time" (ns), "index",
// "region"}. A process runs one operation at a time, as Jepsen requires: an operation takes the
// lowest process number free at its invoke, and one left without a response holds its process
// for good. PutItem, UpdateItem and DeleteItem write their key, GetItem reads it, and
// TransactWriteItems / TransactGetItems write or read each of theirs; Query and Scan are left out
// (a register history has no range reads). A delete writes a value like any write, while a read
// that finds no item reads null, which Elle takes for the initial value.
//
// Thread-safety: reentrant.
#pragma once

#include <nlohmann/json.hpp>

#include "scenarios/scenario.h"
#include "viz/run_index.h"

namespace gtsim::viz {

// A JSON array of ops, in the order of `index`. Throws DynamoError(kValidation) for a request that
// names an unknown table or carries a malformed key or item.
nlohmann::json elle_history(const scenarios::Scenario& scenario, const RunIndex& index);

}  // namespace gtsim::viz
