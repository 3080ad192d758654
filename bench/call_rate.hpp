// bench/call_rate.hpp: how many times per second a body runs, for the throughput benchmarks.
//
// Contract: warms up with 1000 calls, then calls `body` in batches of 256 for about `seconds`
// and returns calls per second. A body returning false is a broken benchmark: the program
// prints "<name>: a benchmark body failed" and exits 1.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace bench {

inline double call_rate(const char* name, double seconds, const std::function<bool()>& body) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 1000; ++i) body();  // warm-up
  long long calls = 0;
  const auto start = clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  auto now = start;
  while (now < until) {
    for (int i = 0; i < 256; ++i) {
      if (!body()) {
        std::fprintf(stderr, "%s: a benchmark body failed\n", name);
        std::exit(1);
      }
    }
    calls += 256;
    now = clock::now();
  }
  return static_cast<double>(calls) / std::chrono::duration<double>(now - start).count();
}

}  // namespace bench
