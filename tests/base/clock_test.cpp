#include "base/clock.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace std::chrono_literals;

TEST_CASE("FakeClock moves only when told to", "[unit]") {
  base::FakeClock clock;
  const base::TimePoint start = clock.now();
  CHECK(clock.now() == start);
  clock.advance(90s);
  CHECK(clock.now() - start == 90s);
  clock.set(start);
  CHECK(clock.now() == start);
}

TEST_CASE("remaining() never goes negative", "[unit]") {
  base::FakeClock clock;
  const base::TimePoint deadline = clock.now() + 10s;
  CHECK(base::remaining(clock, deadline) == 10s);
  clock.advance(4s);
  CHECK(base::remaining(clock, deadline) == 6s);
  clock.advance(1h);
  CHECK(base::remaining(clock, deadline) == base::Duration::zero());
}

TEST_CASE("RealClock follows the system clock", "[unit]") {
  base::RealClock clock;
  const auto before = std::chrono::system_clock::now();
  const auto now = clock.now();
  CHECK(now >= before);
  CHECK(now - before < 5s);
}
