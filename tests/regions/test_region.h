// Helpers shared by the region tests: a temporary directory, and short constructors.
#pragma once

#include <filesystem>
#include <random>
#include <string>

#include "regions/region.h"

namespace gtsim::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("gtsim-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline TableSpec users_table(std::string policy = "lww") {
  TableSpec spec;
  spec.name = "users";
  spec.key_schema.partition = {"id", AttributeType::kS};
  spec.conflict_policy = std::move(policy);
  return spec;
}

inline std::unique_ptr<Region> open_region(const TempDir& dir, const std::string& name,
                                           ClockSettings clock = {}, int64_t now = 0) {
  auto region = Region::open(dir.file(name + ".db"), name, clock, now);
  region->create_table(users_table());
  return region;
}

inline ItemUpdate set_attribute(const std::string& name, AttributeValue value) {
  return {[=](const Item& current) {
            Item next = current;
            next[name] = value;
            return next;
          },
          {name}};
}

}  // namespace gtsim::testing
