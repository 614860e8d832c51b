#include "scenarios/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <numeric>

#include <fmt/core.h>

namespace gtsim::scenarios {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t factor;
};

// "[-]digits[.digits]" times factor, exactly; nullopt if not whole or out of range.
std::optional<std::int64_t> scaled(std::string_view number, std::int64_t factor,
                                   bool allow_negative) {
  bool negative = false;
  if (allow_negative && !number.empty() && number[0] == '-') {
    negative = true;
    number.remove_prefix(1);
  }
  std::int64_t mantissa = 0;
  std::int64_t divisor = 1;
  bool seen_point = false, seen_digit = false;
  for (char c : number) {
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    if (__builtin_mul_overflow(mantissa, 10, &mantissa) ||
        __builtin_add_overflow(mantissa, c - '0', &mantissa)) {
      return std::nullopt;
    }
    if (seen_point && __builtin_mul_overflow(divisor, 10, &divisor)) return std::nullopt;
  }
  if (!seen_digit) return std::nullopt;
  // mantissa * factor / divisor, exact: reduce the fraction before multiplying.
  const std::int64_t common = std::gcd(factor, divisor);
  factor /= common;
  divisor /= common;
  if (mantissa % divisor != 0) return std::nullopt;
  std::int64_t value = 0;
  if (__builtin_mul_overflow(mantissa / divisor, factor, &value)) return std::nullopt;
  return negative ? -value : value;
}

// Splits a trailing unit off (the longest suffix in `units` that matches) and scales.
template <size_t N>
std::optional<std::int64_t> with_unit(std::string_view text, const std::array<Unit, N>& units,
                                      bool allow_negative) {
  const Unit* best = nullptr;
  for (const Unit& unit : units) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix) &&
        (best == nullptr || unit.suffix.size() > best->suffix.size())) {
      best = &unit;
    }
  }
  if (best == nullptr) return std::nullopt;
  return scaled(text.substr(0, text.size() - best->suffix.size()), best->factor, allow_negative);
}

constexpr std::array<Unit, 5> kDurationUnits = {Unit{"us", 1}, Unit{"ms", kMillisecond},
                                                Unit{"s", kSecond}, Unit{"m", kMinute},
                                                Unit{"h", kHour}};
constexpr std::array<Unit, 4> kSizeUnits = {Unit{"B", 1}, Unit{"KB", 1024}, Unit{"MB", 1024 * 1024},
                                            Unit{"GB", 1024 * 1024 * 1024}};
constexpr std::array<Unit, 4> kBitRateUnits = {Unit{"bps", 1}, Unit{"kbps", 1000},
                                               Unit{"Mbps", 1000 * 1000},
                                               Unit{"Gbps", 1000 * 1000 * 1000}};

}  // namespace

std::optional<Micros> parse_duration(std::string_view text) {
  if (text == "0") return 0;
  return with_unit(text, kDurationUnits, /*allow_negative=*/true);
}

std::string format_duration(Micros micros) {
  if (micros == 0) return "0s";
  const char* sign = micros < 0 ? "-" : "";
  const std::uint64_t magnitude =
      micros < 0 ? -static_cast<std::uint64_t>(micros) : static_cast<std::uint64_t>(micros);
  // The largest unit in which the value needs at most three decimals: 1500000 is 1.5s.
  for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
    const auto factor = static_cast<std::uint64_t>(it->factor);
    const std::uint64_t rest = magnitude % factor;
    if (magnitude < factor || rest * 1000 % factor != 0) continue;
    std::string number = std::to_string(magnitude / factor);
    if (rest != 0) {
      std::string fraction = fmt::format("{:03}", rest * 1000 / factor);
      while (fraction.back() == '0')
        fraction.pop_back();
      number += "." + fraction;
    }
    return fmt::format("{}{}{}", sign, number, it->suffix);
  }
  return fmt::format("{}{}us", sign, magnitude);
}

std::optional<std::int64_t> parse_size(std::string_view text) {
  if (auto bytes = scaled(text, 1, false)) return bytes;
  return with_unit(text, kSizeUnits, false);
}

std::optional<std::int64_t> parse_bandwidth(std::string_view text) {
  if (text.ends_with("/s")) return parse_size(text.substr(0, text.size() - 2));
  const auto bits = with_unit(text, kBitRateUnits, false);
  if (!bits) return std::nullopt;
  return *bits / 8;
}

std::optional<double> parse_fraction(std::string_view text) {
  double scale = 1;
  if (text.ends_with("%")) {
    text.remove_suffix(1);
    scale = 100;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  value /= scale;
  if (value < 0 || value > 1) return std::nullopt;
  return value;
}

}  // namespace gtsim::scenarios
