// cgroups/stats.hpp: resource usage of one cgroup, for metrics and `batchlet` status.
//
// Contract: read-only. cpu.stat exists in every cgroup2 cgroup (the core keeps usage_usec even
// without the cpu controller); memory and pids figures exist only with their controllers and
// are nullopt otherwise (memory.peak also needs Linux >= 5.19).
#pragma once

#include <cstdint>
#include <optional>

#include "base/result.hpp"
#include "cgroups/cgroup.hpp"

namespace cgroups {

struct Stats {
  std::uint64_t cpu_usage_usec = 0;
  std::optional<std::uint64_t> memory_current_bytes;
  std::optional<std::uint64_t> memory_peak_bytes;
  std::optional<std::uint64_t> pids_current;
};

base::Result<Stats> read_stats(const Cgroup& cgroup);

}  // namespace cgroups
