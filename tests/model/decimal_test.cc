#include "model/decimal.h"

#include <doctest/doctest.h>

#include "model/errors.h"

using gtsim::Decimal;
using gtsim::DynamoError;

TEST_CASE("decimal parses and renders canonical text") {
  CHECK(Decimal::parse("1.50").to_string() == "1.5");
  CHECK(Decimal::parse("15E-1").to_string() == "1.5");
  CHECK(Decimal::parse("-0.000").to_string() == "0");
  CHECK(Decimal::parse("1e3").to_string() == "1000");
  CHECK(Decimal::parse(".25").to_string() == "0.25");
  CHECK(Decimal::parse("-0.0025").to_string() == "-0.0025");
  CHECK(Decimal::parse("+7").to_string() == "7");
  CHECK(Decimal::parse("00012.3400").to_string() == "12.34");
  CHECK(Decimal::from_int(INT64_MIN).to_string() == "-9223372036854775808");
}

TEST_CASE("decimal rejects malformed text") {
  for (const char* bad : {"", "-", ".", "1..2", "1e", "1e+", "abc", "1 ", " 1", "0x10", "1e3.5"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(Decimal::parse(bad), DynamoError);
    CHECK_FALSE(Decimal::well_formed(bad));
  }
  CHECK(Decimal::well_formed("1e999"));
}

TEST_CASE("decimal enforces 38 digits and DynamoDB range") {
  std::string digits38(38, '9');
  CHECK(Decimal::parse(digits38).to_string() == digits38);
  CHECK_THROWS_AS(Decimal::parse(digits38 + "1"), DynamoError);
  // Trailing zeros are not significant.
  CHECK_NOTHROW(Decimal::parse(digits38 + "000"));
  CHECK_NOTHROW(Decimal::parse("9.9999999999999999999999999999999999999E+125"));
  CHECK_THROWS_AS(Decimal::parse("1E+126"), DynamoError);
  CHECK_NOTHROW(Decimal::parse("1E-130"));
  CHECK_THROWS_AS(Decimal::parse("1E-131"), DynamoError);
  CHECK_THROWS_AS(Decimal::parse("1e99999999999999999999"), DynamoError);
}

TEST_CASE("decimal arithmetic is exact") {
  CHECK((Decimal::parse("0.1") + Decimal::parse("0.2")).to_string() == "0.3");
  CHECK((Decimal::parse("1") - Decimal::parse("1.0001")).to_string() == "-0.0001");
  CHECK((Decimal::parse("-5") + Decimal::parse("5")).is_zero());
  CHECK((Decimal::parse("999") + Decimal::parse("1")).to_string() == "1000");
  CHECK((Decimal::parse("-2.5") - Decimal::parse("-2.5")).to_string() == "0");
  std::string digits38(38, '9');
  // 38 nines + 1 = 1E38: one significant digit, fits.
  CHECK((Decimal::parse(digits38) + Decimal::parse("1")).to_string() == "1" + std::string(38, '0'));
  // 1E30 + 1E-10 needs 41 digits: refused, never rounded.
  CHECK_THROWS_AS(Decimal::parse("1e30") + Decimal::parse("1e-10"), DynamoError);
  CHECK_THROWS_AS(
      Decimal::parse("9.9999999999999999999999999999999999999E+125") + Decimal::parse("1E+125"),
      DynamoError);
}

TEST_CASE("decimal ordering is numeric") {
  auto d = [](const char* s) { return Decimal::parse(s); };
  CHECK(d("1.5") == d("1.50"));
  CHECK(d("-1") < d("0"));
  CHECK(d("-2") < d("-1.5"));
  CHECK(d("0.001") < d("0.01"));
  CHECK(d("10") > d("9.99"));
  CHECK(d("100") > d("99"));
  CHECK(d("1.05") > d("1.0499"));
  CHECK(d("-0.001") > d("-0.01"));
}
