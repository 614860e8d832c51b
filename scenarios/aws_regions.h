// The AWS regions gtsim knows round-trip times for, so that `network: aws` can give every link
// between them a realistic latency.
//
// The table itself belongs to the link model (replicator/aws_latency.h); this header is the one
// question the scenario validator asks of it, so that a scenario is checked before anything runs.
//
// Thread-safety: safe from any thread (constant data).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gtsim::scenarios {

// Sorted region names, e.g. "eu-west-1".
const std::vector<std::string>& aws_region_names();

bool is_aws_region(std::string_view name);

}  // namespace gtsim::scenarios
