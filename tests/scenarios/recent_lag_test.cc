// `gtsim serve`'s recent lag, read from region files written through the Region API at chosen
// true times.
#include "scenarios/recent_lag.h"

#include <doctest/doctest.h>

#include "tests/regions/test_region.h"

namespace gtsim::scenarios {
namespace {

using gtsim::testing::open_region;
using gtsim::testing::TempDir;

Item item(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}};
}

// Applies `from`'s changes past `to`'s cursor at `to`, at true time `now`.
void deliver(Region& to, Region& from, int64_t now) {
  to.apply_remote_batch(from.name(), from.local_changes_after(to.applied_cursor(from.name()), 100),
                        now);
}

TEST_CASE("recent lag counts the applies of its window, streamed or not, in every file") {
  TempDir dir;
  auto us = open_region(dir, "us-east-1");
  auto eu = open_region(dir, "eu-west-1");
  const std::map<std::string, std::string> files = {{"us-east-1", dir.file("us-east-1.db")},
                                                    {"eu-west-1", dir.file("eu-west-1.db")}};
  us->put({"users", item("1", "before the window")}, 1'000);
  deliver(*eu, *us, 3'000);  // lag 2,000, applied before the window
  us->put({"users", item("2", "b")}, 10'000);
  us->put({"users", item("3", "loses")}, 10'050);
  eu->put({"users", item("3", "wins")}, 10'100);
  deliver(*us, *eu, 11'000);  // eu#1 wins at us: a stream record, lag 900
  deliver(*eu, *us, 13'000);  // us#2, lag 3,000; us#3 loses at eu, changing nothing: lag 2,950
  us.reset();
  eu.reset();

  RecentLag lag = recent_lag(files, 10'000);
  CHECK(lag.count == 3);
  CHECK(lag.avg_us == (900 + 3'000 + 2'950) / 3);
  CHECK(lag.max_us == 3'000);
  CHECK(lag.worst_link == "us-east-1->eu-west-1");
  CHECK(recent_lag(files, 0).count == 4);
  CHECK(recent_lag(files, 13'001).count == 0);

  // A trim moves old applies behind the ones of the window: they stay out of it.
  eu = Region::open(files.at("eu-west-1"), "eu-west-1", {}, kDefaultRetentionUs + 4'000);
  us = Region::open(files.at("us-east-1"), "us-east-1", {}, kDefaultRetentionUs + 4'000);
  REQUIRE(eu->trim(kDefaultRetentionUs + 5'000).stream_records_trimmed == 1);
  us->put({"users", item("4", "d")}, kDefaultRetentionUs + 6'000);
  deliver(*eu, *us, kDefaultRetentionUs + 7'500);
  us.reset();
  eu.reset();
  lag = recent_lag(files, kDefaultRetentionUs);
  CHECK(lag.count == 1);
  CHECK(lag.max_us == 1'500);
  CHECK(recent_lag(files, 0).count == 5);
  // A file not there yet is skipped.
  CHECK(recent_lag({{"sa-east-1", dir.file("sa-east-1.db")}}, 0).count == 0);
}

}  // namespace
}  // namespace gtsim::scenarios
