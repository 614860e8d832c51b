// Quantities written in scenario files: durations, byte sizes, bandwidths and fractions.
//
// Each parser returns nullopt for text it does not accept, so that the caller can report the
// position; the matching k...Hint says what is accepted.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/scenario.h"

namespace gtsim::scenarios {

// A number, optionally signed and with a fraction, directly followed by us, ms, s, m or h:
// "250ms", "1.5s", "2m", "100us", "24h", "-2s". "0" alone is zero. The value must be a whole
// number of microseconds and fit 64 bits.
std::optional<Micros> parse_duration(std::string_view text);
inline constexpr const char* kDurationHint = "use a number with us, ms, s, m or h, e.g. 250ms";

// The shortest exact rendering in the largest unit: 250ms, 1.5s, 2m, 100us, -2s, 0s.
std::string format_duration(Micros micros);

// Bytes: a whole number, or a number followed by B, KB, MB or GB, with DynamoDB's 1 KB = 1024
// bytes: "512", "1KB", "1.5KB", "400KB".
std::optional<std::int64_t> parse_size(std::string_view text);
inline constexpr const char* kSizeHint = "use bytes or a number with B, KB, MB or GB, e.g. 1KB";

// Bytes per second: a size followed by "/s" ("10MB/s"), or bits per second with bps, kbps, Mbps
// or Gbps (powers of 1000, as network links are sold: "100Mbps").
std::optional<std::int64_t> parse_bandwidth(std::string_view text);
inline constexpr const char* kBandwidthHint = "use e.g. 10MB/s or 100Mbps";

// A probability: a number in [0, 1] or a percentage in [0%, 100%] ("0.01", "1%").
std::optional<double> parse_fraction(std::string_view text);
inline constexpr const char* kFractionHint = "use a number from 0 to 1 or a percentage, e.g. 1%";

}  // namespace gtsim::scenarios
