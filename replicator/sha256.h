// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), small and self-contained.
//
// Used to prove knowledge of a run's shared secret on connection setup; a dependency on a crypto
// library would be heavier than the 100 lines it saves.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace gtsim::replication {

using Digest = std::array<uint8_t, 32>;

Digest sha256(std::string_view data);
Digest hmac_sha256(std::string_view key, std::string_view message);
// Lower-case hex, 64 characters.
std::string to_hex(const Digest& digest);
// Comparison in time independent of where the digests differ.
bool digests_equal(std::string_view a, std::string_view b);

}  // namespace gtsim::replication
