#include "replicator/aws_latency.h"

#include <doctest/doctest.h>

using namespace gtsim::replication;

TEST_CASE("aws table holds the published round trips") {
  CHECK(aws_region_names().size() == 21);
  CHECK(aws_rtt_ms("us-east-1", "eu-west-1") == 70);
  CHECK(aws_rtt_ms("us-east-1", "ap-southeast-2") == 199);
  CHECK(aws_rtt_ms("eu-west-1", "eu-west-2") == 13);
}

TEST_CASE("aws one-way latency is half the round trip") {
  CHECK(aws_one_way_latency_us("us-east-1", "eu-west-1") == 35000);
  CHECK(aws_one_way_latency_us("us-east-1", "ap-southeast-2") == 99500);
  CHECK_FALSE(aws_one_way_latency_us("us-east-1", "mars-north-1").has_value());
}
