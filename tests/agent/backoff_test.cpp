#include "agent/backoff.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

using namespace std::chrono_literals;
using std::chrono::seconds;

TEST_CASE("pod recreation backoff: 10 s doubling, capped at 6 minutes", "[unit]") {
  CHECK(agent::pod_recreate_delay(0) == 0s);
  std::vector<seconds> schedule;
  for (int n = 1; n <= 9; ++n) {
    schedule.push_back(std::chrono::duration_cast<seconds>(agent::pod_recreate_delay(n)));
  }
  CHECK(schedule == std::vector<seconds>{10s, 20s, 40s, 80s, 160s, 320s, 360s, 360s, 360s});
  CHECK(agent::pod_recreate_delay(1'000'000) == 360s);  // no overflow
}

TEST_CASE("container restart backoff: immediate, then 10 s doubling to 300 s", "[unit]") {
  agent::ContainerBackoff backoff;
  base::TimePoint t{};
  std::vector<seconds> delays;
  for (int i = 0; i < 9; ++i) {
    const auto d = backoff.next(t);
    delays.push_back(std::chrono::duration_cast<seconds>(d));
    t += d + 1s;  // each run lasts 1 s
  }
  CHECK(delays == std::vector<seconds>{0s, 10s, 20s, 40s, 80s, 160s, 300s, 300s, 300s});
}

TEST_CASE("container restart backoff resets after 10 minutes without a restart", "[unit]") {
  agent::ContainerBackoff backoff;
  base::TimePoint t{};
  CHECK(backoff.next(t) == 0s);
  CHECK(backoff.next(t + 5s) == 10s);
  t += 5s;
  CHECK(backoff.next(t + 601s) == 0s);  // ran more than 2 x 300 s: a fresh series
  CHECK(backoff.next(t + 602s) == 10s);
  agent::ContainerBackoff edge;
  CHECK(edge.next(t) == 0s);
  CHECK(edge.next(t + 600s) == 10s);  // exactly 10 minutes is not "more than"
}
