// cgroups/keyed_file.hpp: values of cgroup2 "flat keyed" files (cgroup.events, memory.events,
// cpu.stat, pids.events): one "<key> <value>" pair per line.
//
// Contract: pure. A missing key, or a value that is not a non-negative integer, gives nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cgroups {

std::optional<std::uint64_t> keyed_value(std::string_view text, std::string_view key);

// A single-value file such as memory.current or pids.current: a number, or "max" (nullopt).
std::optional<std::uint64_t> single_value(std::string_view text);

}  // namespace cgroups
