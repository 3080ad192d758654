// tests/api/quantity_test_support.hpp: helpers shared by the Quantity tests.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/quantity.hpp"

namespace quantity_test {

using api::Quantity;
using F = api::Quantity::Format;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

const std::string kFormatWrong(api::kQuantityErrFormatWrong);
const std::string kSuffix(api::kQuantityErrSuffix);
const std::string kNumeric(api::kQuantityErrNumeric);

inline Quantity must_parse(std::string_view text) {
  auto q = Quantity::parse(text);
  INFO("input: " << text);
  REQUIRE(q.ok());
  return std::move(q).value();
}

inline std::string canonical(std::string_view text) { return must_parse(text).canonical(); }

inline std::string parse_error(std::string_view text) {
  auto q = Quantity::parse(text);
  INFO("input: " << text);
  REQUIRE_FALSE(q.ok());
  return q.error().message();
}

inline std::string negated(std::string_view text) {
  std::string s = "-";
  s += text;
  return s;
}

}  // namespace quantity_test
