#include "tests/support/run_fixture.h"

#include <fstream>

#include "conflict/item_state.h"

namespace gtsim::testing {

using nlohmann::json;

Key id(const std::string& value) {
  return {{"id", AttributeValue(value)}};
}

RunFixture::RunFixture(const std::vector<std::string>& regions, const TableSpec& table) {
  for (const std::string& name : regions) {
    regions_[name] = Region::open(dir_.file(name + ".db"), name, {}, 0);
    regions_[name]->create_table(table);
  }
}

void RunFixture::ship(const std::string& from, const std::string& to, int64_t at) {
  Region& receiver = *regions_.at(to);
  receiver.apply_remote_batch(
      from, regions_.at(from)->local_changes_after(receiver.applied_cursor(from), 100000), at);
}

int64_t RunFixture::invoke(const std::string& region, const std::string& operation,
                           const json& request, int64_t at) {
  const int64_t number = ++ops_;
  // No scenario line: as the runner logs a workload's operations.
  event({{"event", "invoke"},
         {"op", number},
         {"region", region},
         {"operation", operation},
         {"request", request},
         {"true_us", at},
         {"source", "workload"},
         {"line", nullptr}});
  return number;
}

void RunFixture::op(const std::string& region, const std::string& operation, const json& request,
                    int64_t invoked, int64_t completed, const json& response) {
  event({{"event", "ok"},
         {"op", invoke(region, operation, request, invoked)},
         {"region", region},
         {"true_us", completed},
         {"response", response}});
}

void RunFixture::put(const std::string& region, const std::string& key, const std::string& name,
                     int64_t at) {
  const Item item{{"id", AttributeValue(key)}, {"name", AttributeValue(name)}};
  const WriteResult result = (*this)[region].put({"users", item}, at);
  op(region, "PutItem", {{"TableName", "users"}, {"Item", item_to_json(item)}}, at, at + 500,
     {{"Version", version_to_json(result.version)}});
}

void RunFixture::remove(const std::string& region, const std::string& key, int64_t at) {
  const WriteResult result = (*this)[region].delete_item({"users", id(key)}, at);
  op(region, "DeleteItem", {{"TableName", "users"}, {"Key", item_to_json(id(key))}}, at, at + 500,
     {{"Version", version_to_json(result.version)}});
}

void RunFixture::get(const std::string& region, const std::string& key, int64_t at) {
  const GetResult result = (*this)[region].get({"users", id(key)});
  json response = json::object();
  if (result.item) {
    response["Item"] = item_to_json(*result.item);
    response["Version"] = version_to_json(*result.version);
  }
  op(region, "GetItem", {{"TableName", "users"}, {"Key", item_to_json(id(key))}}, at, at + 300,
     response);
}

void RunFixture::failed_put(const std::string& region, const std::string& key, int64_t at) {
  const json request = {{"TableName", "users"}, {"Item", item_to_json(id(key))}};
  event({{"event", "fail"},
         {"op", invoke(region, "PutItem", request, at)},
         {"region", region},
         {"true_us", at + 400},
         {"error", {{"type", "ConditionalCheckFailedException"}, {"message", "failed"}}}});
}

void RunFixture::fault(const std::string& fault, int line, int64_t at, const json& detail) {
  event(
      {{"event", "fault"}, {"true_us", at}, {"fault", fault}, {"detail", detail}, {"line", line}});
}

void RunFixture::status(int64_t at, const std::string& from, const std::string& to, int64_t pending,
                        bool partitioned) {
  const json link = {{"peer", to},
                     {"pending", pending},
                     {"connected", !partitioned},
                     {"partitioned", partitioned},
                     {"paused", false}};
  event({{"event", "status"},
         {"true_us", at},
         {"regions", json::array({{{"region", from}, {"links", json::array({link})}}})}});
}

void RunFixture::event(const json& line) {
  history_ += line.dump() + "\n";
}

void RunFixture::finish(const std::string& scenario_yaml) {
  std::ofstream(dir_.file("history.jsonl")) << history_;
  std::ofstream(dir_.file("scenario.yaml")) << scenario_yaml;
  regions_.clear();
}

}  // namespace gtsim::testing
