#include <doctest/doctest.h>

#include <algorithm>

#include "scenarios/aws_regions.h"

namespace gtsim::scenarios {
namespace {

TEST_CASE("the AWS region names are the latency table's") {
  CHECK(aws_region_names().size() == 21);
  CHECK(std::is_sorted(aws_region_names().begin(), aws_region_names().end()));
  CHECK(is_aws_region("us-east-1"));
  CHECK(is_aws_region("ap-southeast-2"));
  CHECK_FALSE(is_aws_region("us-east-3"));
  CHECK_FALSE(is_aws_region(""));
}

}  // namespace
}  // namespace gtsim::scenarios
