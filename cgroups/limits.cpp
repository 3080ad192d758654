// cgroups/limits.cpp: the kubelet's and runc's resource conversions. Contract: see limits.hpp.
#include "cgroups/limits.hpp"

#include <algorithm>

namespace cgroups {

namespace {

std::optional<std::int64_t> positive(std::optional<std::int64_t> value) {
  if (value && *value > 0) return value;
  return std::nullopt;
}

// Adds `add` into `sum`, saturating instead of overflowing (absurd manifests must not wrap).
std::int64_t saturating_add(std::int64_t sum, std::int64_t add) {
  constexpr std::int64_t kMax = INT64_MAX;
  return sum > kMax - add ? kMax : sum + add;
}

// Sum over `containers` of a limit that is only meaningful when every container sets it.
std::optional<std::int64_t> sum_if_all(std::span<const Limits> containers,
                                       std::optional<std::int64_t> Limits::*field) {
  if (containers.empty()) return std::nullopt;
  std::int64_t sum = 0;
  for (const Limits& c : containers) {
    std::optional<std::int64_t> value = positive(c.*field);
    if (!value) return std::nullopt;
    sum = saturating_add(sum, *value);
  }
  return sum;
}

// Sum of a request: containers without one add nothing; unset if no container sets it.
std::optional<std::int64_t> sum_set(std::span<const Limits> containers,
                                    std::optional<std::int64_t> Limits::*field) {
  std::optional<std::int64_t> sum;
  for (const Limits& c : containers) {
    if (!(c.*field)) continue;
    sum = saturating_add(sum.value_or(0), std::max<std::int64_t>(*(c.*field), 0));
  }
  return sum;
}

// An init container runs alone; the pod needs room for the largest. For limits, an init
// container without one makes the pod unlimited.
void raise_to_init(std::optional<std::int64_t>& pod, std::span<const Limits> init_containers,
                   std::optional<std::int64_t> Limits::*field, bool is_limit) {
  for (const Limits& c : init_containers) {
    std::optional<std::int64_t> value = is_limit ? positive(c.*field) : c.*field;
    if (!value && is_limit) {
      pod.reset();
      return;
    }
    if (!value) continue;
    if (is_limit && !pod) return;  // already unlimited
    pod = std::max(pod.value_or(0), *value);
  }
}

}  // namespace

std::int64_t milli_cpu_to_quota(std::int64_t millicores) {
  if (millicores <= 0) return 0;
  // millicores * period / 1000 without overflow for any int64 millicores.
  if (millicores > INT64_MAX / kCpuPeriodUsec) return INT64_MAX / kMilliCpuPerCpu;
  const std::int64_t quota = millicores * kCpuPeriodUsec / kMilliCpuPerCpu;
  return std::max(quota, kMinQuotaUsec);
}

std::int64_t milli_cpu_to_shares(std::int64_t millicores) {
  if (millicores <= 0) return kMinShares;
  if (millicores > kMaxShares * kMilliCpuPerCpu / kSharesPerCpu) return kMaxShares;
  const std::int64_t shares = millicores * kSharesPerCpu / kMilliCpuPerCpu;
  return std::clamp(shares, kMinShares, kMaxShares);
}

std::int64_t shares_to_weight(std::int64_t shares) {
  if (shares <= 0) return 0;
  shares = std::clamp(shares, kMinShares, kMaxShares);
  return 1 + ((shares - 2) * 9999) / 262142;
}

std::vector<LimitWrite> limit_writes(const Limits& limits) {
  std::vector<LimitWrite> writes;
  const std::int64_t quota = milli_cpu_to_quota(limits.cpu_limit_millicores.value_or(0));
  std::string cpu_max = quota > 0 ? std::to_string(quota) : std::string("max");
  cpu_max += ' ';
  cpu_max += std::to_string(kCpuPeriodUsec);
  writes.push_back({"cpu", "cpu.max", std::move(cpu_max)});
  if (limits.cpu_request_millicores) {
    const std::int64_t shares = milli_cpu_to_shares(*limits.cpu_request_millicores);
    writes.push_back({"cpu", "cpu.weight", std::to_string(shares_to_weight(shares))});
  }

  std::optional<std::int64_t> memory = positive(limits.memory_limit_bytes);
  writes.push_back({"memory", "memory.max", memory ? std::to_string(*memory) : "max"});
  // No swap for containers, as the kubelet does with swap disabled (its default).
  writes.push_back({"memory", "memory.swap.max", "0"});

  std::optional<std::int64_t> pids = positive(limits.pids_max);
  writes.push_back({"pids", "pids.max", pids ? std::to_string(*pids) : "max"});

  if (std::optional<std::int64_t> io = positive(limits.io_weight)) {
    std::string value = "default ";
    value += std::to_string(std::clamp<std::int64_t>(*io, 1, 10000));
    writes.push_back({"io", "io.weight", std::move(value)});
  }
  return writes;
}

Limits pod_limits(std::span<const Limits> containers, std::span<const Limits> init_containers) {
  Limits pod;
  pod.cpu_limit_millicores = sum_if_all(containers, &Limits::cpu_limit_millicores);
  pod.memory_limit_bytes = sum_if_all(containers, &Limits::memory_limit_bytes);
  pod.pids_max = sum_if_all(containers, &Limits::pids_max);
  pod.cpu_request_millicores = sum_set(containers, &Limits::cpu_request_millicores);
  for (const Limits& c : containers) {
    if (std::optional<std::int64_t> io = positive(c.io_weight)) {
      pod.io_weight = std::max(pod.io_weight.value_or(0), *io);
    }
  }
  raise_to_init(pod.cpu_limit_millicores, init_containers, &Limits::cpu_limit_millicores, true);
  raise_to_init(pod.memory_limit_bytes, init_containers, &Limits::memory_limit_bytes, true);
  raise_to_init(pod.pids_max, init_containers, &Limits::pids_max, true);
  raise_to_init(pod.cpu_request_millicores, init_containers, &Limits::cpu_request_millicores,
                false);
  return pod;
}

}  // namespace cgroups
