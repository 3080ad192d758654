// tests/api/quantity_value_test.cpp: api::Quantity values, rounding, comparison, trimming and
// size limits, checked against upstream (deliberate departures: see api/quantity.hpp).
#include "quantity_test_support.hpp"

using namespace quantity_test;
TEST_CASE("quantity value() and milli_value() round away from zero", "[unit]") {
  struct Row {
    std::string_view input;
    std::int64_t value;
    std::int64_t milli;
  };
  const std::vector<Row> rows = {
      // upstream TestNewSet / TestMilliNewSet / TestScaledValue round trips
      {"1", 1, 1000},
      {"1k", 1000, 1000000},
      {"1234k", 1234000, 1234000000},
      {"1Ki", 1024, 1024000},
      {"1e6", 1000000, 1000000000},
      {"1Mi", 1048576, 1048576000},
      {"1m", 1, 1},
      {"1234", 1234, 1234000},
      {"1e3", 1000, 1000000},
      {"1024m", 2, 1024},
      {"1n", 1, 1},
      {"1u", 1, 1},
      {"1000n", 1, 1},
      // rounding
      {"1.5", 2, 1500},
      {"-1.5", -2, -1500},
      {"9.01", 10, 9010},
      {"-9.01", -10, -9010},
      {"0.1m", 1, 1},
      {"-0.1m", -1, -1},
      {"1500m", 2, 1500},
      {"1.0000001", 2, 1001},
      {"-1n", -1, -1},
      {"-0.0000000001", -1, -1},  // upstream's inf.Dec path answers +1 here
      {"1.1Mi", 1153434, 1153433600},
      {"-9.5Gi", -10200547328, -10200547328000},  // upstream flips the sign (#138510)
      {"250m", 1, 250},
      {"100Gi", 107374182400, 107374182400000},
      // saturation, where upstream returns 0 or wraps (kubernetes#141166)
      {"9223372036854775807", kMax, kMax},
      {"9223372036854775808", kMax, kMax},
      {"-9223372036854775808", kMin, kMin},
      {"-9223372036854775809", kMin, kMin},
      {"9223372036854775807m", 9223372036854776, kMax},
      {"9223372036854775.807", 9223372036854776, kMax},
      {"-9223372036854775808m", -9223372036854776, kMin},
      {"9223372036854775", 9223372036854775, 9223372036854775000},
      {"9223372036854776", 9223372036854776, kMax},
      {"100E", kMax, kMax},
      {"9Ei", kMax, kMax},
      {"-9Ei", -kMax, kMin},
      {"7Ei", 8070450532247928832, kMax},
      {"1e2147483647", kMax, kMax},
  };
  for (const Row& row : rows) {
    INFO("input: " << row.input);
    const Quantity q = must_parse(row.input);
    CHECK(q.value() == row.value);
    CHECK(q.milli_value() == row.milli);
  }
}

TEST_CASE("quantity compare is exact and ignores format", "[unit]") {
  struct Row {
    std::string_view a;
    std::string_view b;
    int expect;
  };
  const std::vector<Row> rows = {
      // upstream TestQuantityCmp
      {"0", "0", 0},
      {"100m", "50m", 1},
      {"50m", "100m", -1},
      {"10000T", "100Gi", 1},
      // more
      {"1Gi", "1G", 1},
      {"1000m", "1", 0},
      {"1k", "1e3", 0},
      {"1Ki", "1024", 0},
      {"1E", "1e18", 0},
      {"1n", "0.0000000001", 0},
      {"0", "-0", 0},
      {"0", "0Ki", 0},
      {"-1", "0", -1},
      {"-2", "-1", -1},
      {"-1Gi", "-1G", -1},
      {"1n", "0", 1},
      {"-1n", "0", -1},
      {"999999999999999999999", "1e21", -1},
      {"1000000000000000000001", "1e21", 1},
      {"9223372036854775807Ki", "9Ei", 0},
      {"1.0000000001", "1.000000001", 0},
      {"0.00000012", "0.000000120", 0},
      {"12", "1.2e1", 0},
      {"123", "1234", -1},
      {"1234", "123.4e1", 0},
      {"1e2147483647", "1e2147483646", 1},
  };
  for (const Row& row : rows) {
    INFO(row.a << " vs " << row.b);
    const Quantity a = must_parse(row.a);
    const Quantity b = must_parse(row.b);
    CHECK(a.compare(b) == row.expect);
    CHECK(b.compare(a) == -row.expect);
    CHECK(a.compare(a) == 0);
  }
}

TEST_CASE("quantity sign, is_zero and format", "[unit]") {
  CHECK(must_parse("-1m").sign() == -1);
  CHECK(must_parse("1m").sign() == 1);
  CHECK_FALSE(must_parse("1n").is_zero());
  CHECK(must_parse("-0.000000000001").sign() == -1);  // rounds to -1n, never to zero
  CHECK(must_parse("1Gi").format() == F::binary_si);
  CHECK(must_parse("1G").format() == F::decimal_si);
  CHECK(must_parse("1e9").format() == F::decimal_exponent);
  CHECK(must_parse("1E").format() == F::decimal_si);
  // A binary fraction below one switches to DecimalSI, as upstream does.
  CHECK(must_parse("0.000000000001Ki").format() == F::decimal_si);
  CHECK(must_parse("0.5Ki").format() == F::binary_si);
}

TEST_CASE("quantity parse_trimmed trims like Go's strings.TrimSpace", "[unit]") {
  // upstream TestJSONWhitespace
  CHECK(Quantity::parse_trimmed(" 1")->canonical() == "1");
  CHECK(Quantity::parse_trimmed("1 ")->canonical() == "1");
  CHECK(Quantity::parse_trimmed(" -1")->canonical() == "-1");
  CHECK(Quantity::parse_trimmed("\t\n\v\f\r 1Gi \r\n")->canonical() == "1Gi");
  CHECK(Quantity::parse_trimmed("\xc2\xa0\xe3\x80\x80"
                                "500m\xc2\x85\xe2\x80\xa9")
            ->canonical() == "500m");
  const auto blank = Quantity::parse_trimmed(" \t ");
  REQUIRE_FALSE(blank.ok());
  CHECK(blank.error().message() == kFormatWrong);
  // Not white space: a lone UTF-8 lead byte, and the zero-width space U+200B.
  CHECK_FALSE(Quantity::parse_trimmed("1\xc2").ok());
  CHECK_FALSE(Quantity::parse_trimmed("\xe2\x80\x8b"
                                      "1")
                  .ok());
  CHECK(Quantity::parse_trimmed("1 m").error().message() == kFormatWrong);
}

TEST_CASE("quantity handles a megabyte of digits in linear time", "[unit]") {
  constexpr std::size_t kDigits = std::size_t{1} << 20;

  const std::string nines(kDigits, '9');
  const Quantity big = must_parse(nines);
  CHECK(big.canonical() == nines);
  CHECK(big.value() == kMax);
  CHECK(must_parse(negated(nines)).value() == kMin);
  CHECK(big.compare(must_parse("1e2147483647")) < 0);
  std::string bigger = nines;
  bigger += '1';
  CHECK(big.compare(must_parse(bigger)) < 0);
  CHECK(must_parse(bigger).compare(big) > 0);

  std::string binary = nines;
  binary += "Ki";
  CHECK(canonical(binary) == "9223372036854775807");

  std::string tiny = "0.";
  tiny.append(kDigits, '0');
  tiny += '1';
  CHECK(canonical(tiny) == "1n");

  std::string padded(kDigits, '0');
  padded += "1Ki";
  CHECK(canonical(padded) == padded);  // upstream echoes it: the digits are just "1"
  CHECK(must_parse(padded).value() == 1024);

  std::string wide = "1";
  wide.append(kDigits, '0');
  CHECK(canonical(wide) == "10e1048575");  // DecimalSI past "E", see above

  std::string fraction = "-1.";
  fraction.append(kDigits, '0');
  fraction += "1Ei";
  CHECK(canonical(fraction) == "-1152921504606846976000000001n");

  std::string digits_then_exponent = "123";
  digits_then_exponent.append(kDigits, '0');
  digits_then_exponent += "e-";
  digits_then_exponent += std::to_string(kDigits);
  CHECK(canonical(digits_then_exponent) == "123");

  std::string junk = nines;
  junk += 'x';
  CHECK(parse_error(junk) == kFormatWrong);
  std::string no_digits = ".";
  no_digits += std::string(kDigits, 'P');
  CHECK(parse_error(no_digits) == kSuffix);
}

TEST_CASE("from_scaled prints as upstream NewQuantity and NewMilliQuantity do", "[unit]") {
  // upstream TestNewSet / TestMilliNewSet / TestQuantityString
  CHECK(Quantity::from_scaled(0, 0, F::binary_si).canonical() == "0");
  CHECK(Quantity::from_scaled(0, -3, F::decimal_si).canonical() == "0");
  CHECK(Quantity::from_scaled(67108864, 0, F::binary_si).canonical() == "64Mi");
  CHECK(Quantity::from_scaled(8LL << 30, 0, F::binary_si).canonical() == "8Gi");
  CHECK(Quantity::from_scaled(1000, 0, F::binary_si).canonical() == "1k");  // below 1024
  CHECK(Quantity::from_scaled(1500, 0, F::binary_si).canonical() == "1500");
  CHECK(Quantity::from_scaled(8000000000, 0, F::decimal_si).canonical() == "8G");
  CHECK(Quantity::from_scaled(1500, -3, F::decimal_si).canonical() == "1500m");
  CHECK(Quantity::from_scaled(2000, -3, F::decimal_si).canonical() == "2");
  CHECK(Quantity::from_scaled(500, -3, F::binary_si).canonical() == "500m");
  CHECK(Quantity::from_scaled(-1500, -3, F::decimal_si).canonical() == "-1500m");
  CHECK(Quantity::from_scaled(kMin, 0, F::decimal_si).canonical() == "-9223372036854775808");
  CHECK(Quantity::from_scaled(kMax, 3, F::binary_si).value() == kMax);  // BinarySI is capped
  CHECK(Quantity::from_scaled(3, 0, F::decimal_exponent).canonical() == "3");
  CHECK(Quantity::from_scaled(1500, -3, F::decimal_si).compare(must_parse("1.5")) == 0);
  CHECK(Quantity::from_scaled(64, 0, F::binary_si).format() == F::binary_si);
}
