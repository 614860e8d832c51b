#include "model/decimal.h"

#include <algorithm>

#include "model/errors.h"

namespace gtsim {
namespace {

constexpr int kMaxDigits = 38;
constexpr int kMinAdjustedExponent = -130;
constexpr int kMaxAdjustedExponent = 125;
// Exponents beyond this cannot be in range once normalised; parsing stops accumulating there so
// that "1e99999999999" cannot overflow an int.
constexpr int kExponentClamp = 100000;

// Compares two digit strings of magnitudes aligned to the same exponent.
int compare_aligned(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

std::string add_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int sum = carry;
    if (i < a.size()) sum += a[a.size() - 1 - i] - '0';
    if (i < b.size()) sum += b[b.size() - 1 - i] - '0';
    out.push_back(static_cast<char>('0' + sum % 10));
    carry = sum / 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// a - b where a >= b.
std::string subtract_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int diff = (a[a.size() - 1 - i] - '0') - borrow;
    if (i < b.size()) diff -= b[b.size() - 1 - i] - '0';
    borrow = diff < 0 ? 1 : 0;
    out.push_back(static_cast<char>('0' + (diff + 10) % 10));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

Decimal Decimal::make(bool negative, std::string digits, int exponent) {
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};
  digits.erase(0, first);
  size_t last = digits.find_last_not_of('0');
  exponent += static_cast<int>(digits.size() - 1 - last);
  digits.erase(last + 1);
  Decimal d;
  d.negative_ = negative;
  d.digits_ = std::move(digits);
  d.exponent_ = exponent;
  if (static_cast<int>(d.digits_.size()) > kMaxDigits) {
    throw_validation("Attempting to store a number with more than 38 significant digits");
  }
  if (d.adjusted_exponent() > kMaxAdjustedExponent) {
    throw_validation(
        "Number overflow. Attempting to store a number with magnitude larger than supported "
        "range");
  }
  if (d.adjusted_exponent() < kMinAdjustedExponent) {
    throw_validation(
        "Number underflow. Attempting to store a number with magnitude smaller than supported "
        "range");
  }
  return d;
}

Decimal Decimal::parse(std::string_view text) {
  auto fail = [&]() -> Decimal {
    throw_validation("A value provided cannot be converted into a number: \"" + std::string(text) +
                     "\"");
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;
  int fraction_digits = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      // Leading zeros carry no information; skipping them keeps huge inputs short.
      if (!(digits.empty() && c == '0')) digits.push_back(c);
      if (seen_point) ++fraction_digits;
      if (digits.size() > 4096) return fail();
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return fail();
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    if (i == text.size()) return fail();
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return fail();
      exponent = std::min(kExponentClamp, exponent * 10 + (text[i] - '0'));
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return fail();
  return make(negative, std::move(digits), exponent - fraction_digits);
}

bool Decimal::well_formed(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

Decimal Decimal::from_int(int64_t value) {
  bool negative = value < 0;
  // Through unsigned so that INT64_MIN negates without overflow.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  return make(negative, std::to_string(magnitude), 0);
}

std::string Decimal::to_string() const {
  if (is_zero()) return "0";
  std::string out = negative_ ? "-" : "";
  if (exponent_ >= 0) {
    out += digits_;
    out.append(static_cast<size_t>(exponent_), '0');
  } else {
    int int_digits = static_cast<int>(digits_.size()) + exponent_;
    if (int_digits > 0) {
      out += digits_.substr(0, static_cast<size_t>(int_digits));
      out += '.';
      out += digits_.substr(static_cast<size_t>(int_digits));
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-int_digits), '0');
      out += digits_;
    }
  }
  return out;
}

Decimal Decimal::operator-() const {
  Decimal d = *this;
  if (!d.is_zero()) d.negative_ = !d.negative_;
  return d;
}

Decimal Decimal::operator+(const Decimal& other) const {
  if (is_zero()) return other;
  if (other.is_zero()) return *this;
  int exponent = std::min(exponent_, other.exponent_);
  std::string a = digits_ + std::string(static_cast<size_t>(exponent_ - exponent), '0');
  std::string b = other.digits_ + std::string(static_cast<size_t>(other.exponent_ - exponent), '0');
  if (negative_ == other.negative_) return make(negative_, add_magnitudes(a, b), exponent);
  int cmp = compare_aligned(a, b);
  if (cmp == 0) return Decimal{};
  return cmp > 0 ? make(negative_, subtract_magnitudes(a, b), exponent)
                 : make(other.negative_, subtract_magnitudes(b, a), exponent);
}

Decimal Decimal::operator-(const Decimal& other) const {
  return *this + (-other);
}

std::strong_ordering Decimal::operator<=>(const Decimal& other) const {
  auto sign = [](const Decimal& d) { return d.is_zero() ? 0 : (d.negative_ ? -1 : 1); };
  if (sign(*this) != sign(other)) return sign(*this) <=> sign(other);
  if (is_zero()) return std::strong_ordering::equal;
  std::strong_ordering magnitude = adjusted_exponent() <=> other.adjusted_exponent();
  if (magnitude == std::strong_ordering::equal) {
    // Same leading position: compare digit by digit, a missing digit counting as zero.
    size_t n = std::max(digits_.size(), other.digits_.size());
    std::string a = digits_ + std::string(n - digits_.size(), '0');
    std::string b = other.digits_ + std::string(n - other.digits_.size(), '0');
    int c = a.compare(b);
    magnitude = c < 0 ? std::strong_ordering::less
                      : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
  }
  if (negative_) return 0 <=> magnitude;
  return magnitude;
}

}  // namespace gtsim
