// tests/api/human_duration_test.cpp: api::human_duration against every boundary of upstream
// duration.HumanDuration, and api::timestamp_since.
#include "api/human_duration.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using api::human_duration;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::hours kDay{24};
constexpr std::chrono::hours kYear{24 * 365};

}  // namespace

TEST_CASE("negative durations: one second of skew is forgiven", "[unit]") {
  CHECK(human_duration(0s) == "0s");
  CHECK(human_duration(-1ns) == "0s");
  CHECK(human_duration(-500ms) == "0s");
  CHECK(human_duration(-1s) == "0s");
  // Go's int(d.Seconds()) truncates toward zero: -1.999999999 s is still -1.
  CHECK(human_duration(-2s + 1ns) == "0s");
  CHECK(human_duration(-2s) == "<invalid>");
  CHECK(human_duration(-1h) == "<invalid>");
  CHECK(human_duration(-20 * kYear) == "<invalid>");
}

TEST_CASE("under 2 minutes: seconds", "[unit]") {
  CHECK(human_duration(1ns) == "0s");
  CHECK(human_duration(999ms) == "0s");
  CHECK(human_duration(1s) == "1s");
  CHECK(human_duration(59s) == "59s");
  CHECK(human_duration(60s) == "60s");
  CHECK(human_duration(95s) == "95s");
  CHECK(human_duration(119s) == "119s");
  CHECK(human_duration(120s - 1ns) == "119s");
}

TEST_CASE("under 10 minutes: minutes and seconds", "[unit]") {
  CHECK(human_duration(120s) == "2m");
  CHECK(human_duration(121s) == "2m1s");
  CHECK(human_duration(3min) == "3m");
  CHECK(human_duration(3min + 5s) == "3m5s");
  CHECK(human_duration(3min + 5s + 999ms) == "3m5s");
  CHECK(human_duration(9min + 59s) == "9m59s");
  CHECK(human_duration(10min - 1ns) == "9m59s");
}

TEST_CASE("under 3 hours: minutes", "[unit]") {
  CHECK(human_duration(10min) == "10m");
  CHECK(human_duration(10min + 1s) == "10m");
  CHECK(human_duration(45min + 30s) == "45m");
  CHECK(human_duration(179min) == "179m");
  CHECK(human_duration(3h - 1ns) == "179m");
}

TEST_CASE("under 8 hours: hours and minutes", "[unit]") {
  CHECK(human_duration(3h) == "3h");
  CHECK(human_duration(3h + 59s) == "3h");
  CHECK(human_duration(3h + 1min) == "3h1m");
  CHECK(human_duration(5h + 3min) == "5h3m");
  CHECK(human_duration(5h) == "5h");
  CHECK(human_duration(8h - 1ns) == "7h59m");
}

TEST_CASE("under 48 hours: hours", "[unit]") {
  CHECK(human_duration(8h) == "8h");
  CHECK(human_duration(8h + 59min) == "8h");
  CHECK(human_duration(30h) == "30h");
  CHECK(human_duration(48h - 1ns) == "47h");
}

TEST_CASE("under 8 days: days and hours", "[unit]") {
  CHECK(human_duration(48h) == "2d");
  CHECK(human_duration(48h + 59min) == "2d");
  CHECK(human_duration(49h) == "2d1h");
  CHECK(human_duration(3 * kDay + 4h) == "3d4h");
  CHECK(human_duration(3 * kDay) == "3d");
  CHECK(human_duration(8 * kDay - 1ns) == "7d23h");
}

TEST_CASE("under 2 years: days", "[unit]") {
  CHECK(human_duration(8 * kDay) == "8d");
  CHECK(human_duration(8 * kDay + 23h) == "8d");
  CHECK(human_duration(400 * kDay) == "400d");
  CHECK(human_duration(366 * kDay) == "366d");
  CHECK(human_duration(2 * kYear - 1ns) == "729d");
}

TEST_CASE("under 8 years: years and days, a year being 365 days", "[unit]") {
  CHECK(human_duration(2 * kYear) == "2y");
  CHECK(human_duration(2 * kYear + 23h) == "2y");
  CHECK(human_duration(2 * kYear + kDay) == "2y1d");
  CHECK(human_duration(3 * kYear + 20 * kDay) == "3y20d");
  CHECK(human_duration(3 * kYear) == "3y");
  CHECK(human_duration(4 * 365 * kDay + kDay) == "4y1d");  // no leap days
  CHECK(human_duration(8 * kYear - 1ns) == "7y364d");
}

TEST_CASE("8 years and more: years", "[unit]") {
  CHECK(human_duration(8 * kYear) == "8y");
  CHECK(human_duration(8 * kYear + 364 * kDay) == "8y");
  CHECK(human_duration(10 * kYear) == "10y");
  CHECK(human_duration(150 * kYear) == "150y");
}

TEST_CASE("timestamp_since: unknown when unset, else the age", "[unit]") {
  const base::TimePoint now = base::FakeClock().now();
  CHECK(api::timestamp_since(std::nullopt, now) == "<unknown>");
  CHECK(api::timestamp_since(now, now) == "0s");
  CHECK(api::timestamp_since(now - 95s, now) == "95s");
  CHECK(api::timestamp_since(now - 3 * kDay - 4h - 5min, now) == "3d4h");
  // A timestamp from a clock slightly ahead of ours.
  CHECK(api::timestamp_since(now + 1s, now) == "0s");
  CHECK(api::timestamp_since(now + 2s, now) == "<invalid>");
}
