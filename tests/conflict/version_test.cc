#include "conflict/version.h"

#include <doctest/doctest.h>

#include "conflict/policy.h"

using namespace gtsim;

TEST_CASE("version vectors order causally") {
  VersionVector a({{"us", 1}});
  VersionVector b({{"us", 1}, {"eu", 2}});
  VersionVector c({{"eu", 3}});
  CHECK(a.compare(a) == CausalOrder::kEqual);
  CHECK(a.compare(b) == CausalOrder::kBefore);
  CHECK(b.compare(a) == CausalOrder::kAfter);
  CHECK(a.compare(c) == CausalOrder::kConcurrent);
  CHECK(VersionVector{}.compare(a) == CausalOrder::kBefore);
  VersionVector m = a;
  m.merge(c);
  CHECK(m == VersionVector({{"us", 1}, {"eu", 3}}));
  m.advance("us", 0);  // zero entries are never stored
  CHECK(m.counters().size() == 2);
}

TEST_CASE("classification follows the version vectors") {
  VersionVector local({{"us", 2}});
  CHECK(classify(local, VersionVector({{"us", 2}, {"eu", 1}})) == Classification::kSupersedes);
  CHECK(classify(local, VersionVector({{"us", 1}})) == Classification::kStale);
  CHECK(classify(local, local) == Classification::kDuplicate);
  CHECK(classify(local, VersionVector({{"eu", 1}})) == Classification::kConcurrent);
  CHECK(classify({}, local) == Classification::kSupersedes);
  CHECK(std::string(classification_name(Classification::kConcurrent)) == "concurrent");
}

TEST_CASE("LWW order is timestamp then region name then sequence") {
  Version early{{"zz-region", 9}, 100};
  Version late{{"aa-region", 1}, 101};
  CHECK(early.stamp() < late.stamp());
  Version tie_a{{"ap-southeast-2", 5}, 100};
  Version tie_b{{"eu-west-1", 1}, 100};
  CHECK(tie_a.stamp() < tie_b.stamp());  // same timestamp: the greater region name wins
  Version same_region{{"eu-west-1", 2}, 100};
  CHECK(tie_b.stamp() < same_region.stamp());
}
