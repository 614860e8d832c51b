#include <doctest/doctest.h>

#include "scenarios/suggest.h"
#include "scenarios/units.h"

namespace gtsim::scenarios {
namespace {

TEST_CASE("durations parse to microseconds in every unit") {
  CHECK(parse_duration("100us") == 100);
  CHECK(parse_duration("5ms") == 5000);
  CHECK(parse_duration("1.5s") == 1'500'000);
  CHECK(parse_duration("2m") == 120'000'000);
  CHECK(parse_duration("24h") == 86'400'000'000);
  CHECK(parse_duration("0") == 0);
  CHECK(parse_duration("0ms") == 0);
  CHECK(parse_duration("-2s") == -2'000'000);
  CHECK(parse_duration(".5ms") == 500);
  CHECK(parse_duration("0.001ms") == 1);
}

TEST_CASE("text that is not a whole number of microseconds is not a duration") {
  for (const char* text : {"5 sec", "5", "ms", "5sec", "1.5us", "0.0001ms", "5ms ", " 5ms", "1e3ms",
                           "--1s", "1..5s", "", "5d", "99999999999999999999h", "3000000000h"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("durations format in the largest exact unit and parse back") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(250'000) == "250ms");
  CHECK(format_duration(1'500'000) == "1.5s");
  CHECK(format_duration(120'000'000) == "2m");
  CHECK(format_duration(100) == "100us");
  CHECK(format_duration(1'234) == "1.234ms");
  CHECK(format_duration(1'001) == "1.001ms");
  CHECK(format_duration(1'000'001) == "1000.001ms");
  CHECK(format_duration(-2'000'000) == "-2s");
  CHECK(format_duration(86'400'000'000) == "24h");
  for (Micros micros : {Micros{1}, Micros{999}, Micros{1'000'001}, Micros{90'000'000}, Micros{-45},
                        Micros{3'600'000'000'000}}) {
    CHECK(parse_duration(format_duration(micros)) == micros);
  }
}

TEST_CASE("sizes, bandwidths and fractions") {
  CHECK(parse_size("512") == 512);
  CHECK(parse_size("1KB") == 1024);
  CHECK(parse_size("1.5KB") == 1536);
  CHECK(parse_size("400KB") == 400 * 1024);
  CHECK(parse_size("2MB") == 2 * 1024 * 1024);
  CHECK_FALSE(parse_size("1 KB").has_value());
  CHECK_FALSE(parse_size("-1KB").has_value());
  CHECK(parse_bandwidth("100Mbps") == 12'500'000);
  CHECK(parse_bandwidth("10MB/s") == 10 * 1024 * 1024);
  CHECK(parse_bandwidth("8kbps") == 1000);
  CHECK_FALSE(parse_bandwidth("10MB").has_value());
  CHECK(parse_fraction("1%") == doctest::Approx(0.01));
  CHECK(parse_fraction("0.25") == doctest::Approx(0.25));
  CHECK(parse_fraction("100%") == doctest::Approx(1.0));
  CHECK_FALSE(parse_fraction("101%").has_value());
  CHECK_FALSE(parse_fraction("-0.1").has_value());
  CHECK_FALSE(parse_fraction("half").has_value());
}

TEST_CASE("edit distance counts adjacent swaps as one edit") {
  CHECK(edit_distance("partiton", "partition") == 1);
  CHECK(edit_distance("tabel", "table") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("same", "same") == 0);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("the closest match must be a plausible misspelling") {
  const std::vector<std::string> keys = {"partition", "heal", "isolate", "crash"};
  CHECK(closest_match("partiton", keys) == "partition");
  CHECK(closest_match("hael", keys) == "heal");
  CHECK_FALSE(closest_match("zzzz", keys).has_value());
  CHECK_FALSE(closest_match("X", {"S", "N", "B"}).has_value());
  CHECK(closest_match("ConditionalCheckFailed",
                      {"ValidationException", "ConditionalCheckFailedException"}) ==
        "ConditionalCheckFailedException");
  CHECK(suggestion_hint("partiton", keys) == "did you mean 'partition'?");
  CHECK(suggestion_hint("zzzz", keys) == "expected one of partition, heal, isolate, crash");
}

}  // namespace
}  // namespace gtsim::scenarios
