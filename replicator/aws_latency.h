// Built-in inter-region latencies of AWS, for realistic link defaults by region name.
//
// The figures are round-trip times between 21 AWS regions from a cloudping.co sample of
// inter-region pings published in March 2023 (data/aws-rtt-ms.csv, embedded at build time).
// They are measured per direction, so from->to and to->from may differ slightly. One-way latency
// is half the round trip.
//
// Thread-safety: safe from any thread (the table is immutable after first use).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gtsim::replication {

// Round trip in milliseconds from `from` to `to` (the same region: the in-region round trip);
// nullopt when either is not in the table.
std::optional<int> aws_rtt_ms(const std::string& from, const std::string& to);
// Half the round trip, in microseconds.
std::optional<int64_t> aws_one_way_latency_us(const std::string& from, const std::string& to);
// The regions of the table, sorted.
std::vector<std::string> aws_region_names();

}  // namespace gtsim::replication
