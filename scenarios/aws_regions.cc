#include "scenarios/aws_regions.h"

#include <algorithm>

namespace gtsim::scenarios {

const std::vector<std::string>& aws_region_names() {
  static const std::vector<std::string> names = {
      "af-south-1", "ap-east-1",      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
      "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1",   "eu-central-1",
      "eu-north-1", "eu-south-1",     "eu-west-1",      "eu-west-2",      "eu-west-3",
      "me-south-1", "sa-east-1",      "us-east-1",      "us-east-2",      "us-west-1",
      "us-west-2",
  };
  return names;
}

bool is_aws_region(std::string_view name) {
  const auto& names = aws_region_names();
  return std::binary_search(names.begin(), names.end(), name);
}

}  // namespace gtsim::scenarios
