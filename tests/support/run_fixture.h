// RunFixture: a synthetic run directory for the tests of what reads one (reports, views,
// exports): real region files written through the Region API at chosen true times, a
// hand-written history.jsonl with the operations, faults and status samples a runner would log,
// and the scenario.
//
// Times are true microseconds, the same in the region files and the history (as in deterministic
// runs). Writes and reads go to the users table of tests/regions/test_region.h.
// Thread-safety: not thread-safe; one test owns it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "regions/region.h"
#include "tests/regions/test_region.h"

namespace gtsim::testing {

// The users table's key {id: value}.
Key id(const std::string& value);

class RunFixture {
 public:
  // A fresh directory with one region file per name, each holding `table`.
  explicit RunFixture(const std::vector<std::string>& regions,
                      const TableSpec& table = users_table());

  Region& operator[](const std::string& region) { return *regions_.at(region); }
  // The run directory, with a trailing separator.
  std::string dir() const { return dir_.file(""); }

  // Ships every change of `from` that `to` lacks, applied at true time `at`.
  void ship(const std::string& from, const std::string& to, int64_t at);

  // A client operation the fixture did not perform itself: its invoke event at `invoked` and its
  // ok event with `response` at `completed`.
  void op(const std::string& region, const std::string& operation, const nlohmann::json& request,
          int64_t invoked, int64_t completed, const nlohmann::json& response);
  // Performed at `at` and logged as acknowledged 500 µs (reads: 300 µs) later.
  void put(const std::string& region, const std::string& key, const std::string& name, int64_t at);
  void remove(const std::string& region, const std::string& key, int64_t at);
  void get(const std::string& region, const std::string& key, int64_t at);
  // A PutItem DynamoDB refused: an invoke event and a fail event 400 µs later.
  void failed_put(const std::string& region, const std::string& key, int64_t at);

  // A fault the scenario's step on `line` injected.
  void fault(const std::string& fault, int line, int64_t at,
             const nlohmann::json& detail = nlohmann::json::object());
  // A status sample with one link, from -> to, holding `pending` records.
  void status(int64_t at, const std::string& from, const std::string& to, int64_t pending,
              bool partitioned = false);
  // Any other history line, as it is.
  void event(const nlohmann::json& line);

  // Writes history.jsonl and scenario.yaml and closes the region files.
  void finish(const std::string& scenario_yaml);

 private:
  // Logs an invoke event at `at`; returns the operation's number.
  int64_t invoke(const std::string& region, const std::string& operation,
                 const nlohmann::json& request, int64_t at);

  TempDir dir_;
  std::map<std::string, std::unique_ptr<Region>> regions_;
  std::string history_;
  int64_t ops_ = 0;
};

}  // namespace gtsim::testing
