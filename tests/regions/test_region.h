// Helpers shared by the region tests: short constructors of tables, regions and updates.
#pragma once

#include <filesystem>
#include <string>

#include "regions/region.h"
#include "tests/support/temp_dir.h"

namespace gtsim::testing {

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

// A region as simulated clusters open it: its file private to it, commits grouped.
inline std::unique_ptr<Region> open_private_region(const TempDir& dir, const std::string& name) {
  auto region = Region::open(dir.file(name + ".db"), name, {}, 0, FileMode::kPrivate);
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
