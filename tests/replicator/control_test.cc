#include "replicator/control.h"

#include <doctest/doctest.h>

namespace gtsim::replication {
namespace {

RegionStatus status_of(const std::string& region, uint64_t pending, const std::string& digest) {
  RegionStatus s;
  s.region = region;
  s.links.push_back(LinkStatus{.peer = "other", .pending = pending});
  if (!digest.empty()) s.digests["orders"] = digest;
  return s;
}

TEST_CASE("replication is at rest only with nothing pending on any link") {
  CHECK(replication_at_rest({status_of("a", 0, "x"), status_of("b", 0, "x")}, true));
  CHECK_FALSE(replication_at_rest({status_of("a", 0, "x"), status_of("b", 3, "x")}, true));
  CHECK_FALSE(replication_at_rest({status_of("a", 1, ""), status_of("b", 0, "")}, false));
}

TEST_CASE("replication at rest compares table digests only when asked") {
  const std::vector<RegionStatus> differing = {status_of("a", 0, "x"), status_of("b", 0, "y")};
  CHECK_FALSE(replication_at_rest(differing, true));
  CHECK(replication_at_rest(differing, false));
  CHECK(replication_at_rest({status_of("a", 0, ""), status_of("b", 0, "")}, true));
  CHECK(replication_at_rest({}, true));
}

}  // namespace
}  // namespace gtsim::replication
