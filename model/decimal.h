// Decimal: a DynamoDB number, exact.
//
// DynamoDB numbers are decimal with up to 38 significant digits and a magnitude between 1E-130
// and 9.9999999999999999999999999999999999999E+125 (or zero). Doubles cannot hold them, so this
// type keeps the digits. Values are normalised on construction, so "1.50", "1.5" and "15E-1" are
// one value and compare equal with ==.
//
// Thread-safety: a value type; distinct objects may be used from distinct threads.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace gtsim {

class Decimal {
 public:
  Decimal() = default;  // zero

  // Parses DynamoDB number text: optional sign, digits with an optional point, optional
  // exponent ("-12.5", "1e3", ".5"). Throws DynamoError(kValidation) when the text is not a
  // number, has more than 38 significant digits, or is out of DynamoDB's range.
  static Decimal parse(std::string_view text);

  // True when `text` has the syntax parse() accepts, whatever its range or precision.
  static bool well_formed(std::string_view text);

  static Decimal from_int(int64_t value);

  // Plain notation without exponent and without superfluous zeros: "1000", "-0.25", "0".
  std::string to_string() const;

  bool is_zero() const { return digits_.empty(); }
  bool is_negative() const { return negative_; }

  // Exact sum and difference. Throw DynamoError(kValidation) when the exact result does not fit
  // 38 significant digits or DynamoDB's range (gtsim never rounds silently).
  Decimal operator+(const Decimal& other) const;
  Decimal operator-(const Decimal& other) const;
  Decimal operator-() const;

  std::strong_ordering operator<=>(const Decimal& other) const;
  bool operator==(const Decimal& other) const = default;

 private:
  // Value = (negative_ ? -1 : 1) * digits_ * 10^exponent_; digits_ has no leading or trailing
  // zeros, and is empty (with exponent_ 0, negative_ false) for zero.
  bool negative_ = false;
  std::string digits_;
  int exponent_ = 0;

  static Decimal make(bool negative, std::string digits, int exponent);
  int adjusted_exponent() const { return exponent_ + static_cast<int>(digits_.size()) - 1; }
};

}  // namespace gtsim
