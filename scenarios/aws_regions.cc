#include "scenarios/aws_regions.h"

#include <algorithm>

#include "replicator/aws_latency.h"

namespace gtsim::scenarios {

const std::vector<std::string>& aws_region_names() {
  static const std::vector<std::string> names = replication::aws_region_names();
  return names;
}

bool is_aws_region(std::string_view name) {
  const auto& names = aws_region_names();
  return std::binary_search(names.begin(), names.end(), name);
}

}  // namespace gtsim::scenarios
