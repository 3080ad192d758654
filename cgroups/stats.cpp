// cgroups/stats.cpp: cpu.stat, memory.current/peak, pids.current. Contract: see stats.hpp.
#include "cgroups/stats.hpp"

#include "cgroups/keyed_file.hpp"

namespace cgroups {

namespace {

// A single-number file that exists only with its controller.
base::Result<std::optional<std::uint64_t>> optional_number(const Cgroup& cgroup,
                                                           std::string_view file) {
  if (!cgroup.has_file(file)) return std::optional<std::uint64_t>();
  base::Result<std::string> text = cgroup.read(file);
  if (!text.ok()) return text.error();
  std::optional<std::uint64_t> value = single_value(*text);
  if (!value) {
    return base::Error("parse " + (cgroup.path() / file).string() + ": not a number");
  }
  return value;
}

}  // namespace

base::Result<Stats> read_stats(const Cgroup& cgroup) {
  Stats stats;
  base::Result<std::string> cpu = cgroup.read("cpu.stat");
  if (!cpu.ok()) return cpu.error();
  std::optional<std::uint64_t> usage = keyed_value(*cpu, "usage_usec");
  if (!usage)
    return base::Error("parse " + (cgroup.path() / "cpu.stat").string() + ": no usage_usec");
  stats.cpu_usage_usec = *usage;
  struct Field {
    std::string_view file;
    std::optional<std::uint64_t> Stats::*member;
  };
  for (Field field : {Field{"memory.current", &Stats::memory_current_bytes},
                      Field{"memory.peak", &Stats::memory_peak_bytes},
                      Field{"pids.current", &Stats::pids_current}}) {
    base::Result<std::optional<std::uint64_t>> value = optional_number(cgroup, field.file);
    if (!value.ok()) return value.error();
    stats.*field.member = *value;
  }
  return stats;
}

}  // namespace cgroups
