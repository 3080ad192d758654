// cgroups/limits.hpp: resource limits of one cgroup and their cgroup v2 interface-file values.
//
// Contract: pure functions, no I/O. The agent maps a container's Kubernetes resources onto
// Limits; everything below converts them exactly as the kubelet (pkg/kubelet/cm) and runc
// (libcontainer/cgroups ConvertCPUSharesToCgroupV2Value) do, so a job sees the same cpu.max,
// cpu.weight and memory.max here as under a kubelet with the systemd or cgroupfs driver:
//   cpu limit   -> cpu.max "<quota> 100000", quota = millicores * 100, at least 1000
//   cpu request -> shares = millicores * 1024 / 1000 clamped to [2, 262144]
//                  -> cpu.weight = 1 + (shares - 2) * 9999 / 262142
//   memory      -> memory.max bytes; memory.swap.max 0; memory.high is never written
//   pids        -> pids.max; io weight -> io.weight "default <w>"
// An unset limit writes "max" (no limit); an unset request leaves cpu.weight alone.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cgroups {

struct Limits {
  std::optional<std::int64_t> cpu_limit_millicores;    // resources.limits.cpu
  std::optional<std::int64_t> cpu_request_millicores;  // resources.requests.cpu (0: BestEffort)
  std::optional<std::int64_t> memory_limit_bytes;      // resources.limits.memory
  std::optional<std::int64_t> pids_max;                // the agent's pids limit
  std::optional<std::int64_t> io_weight;               // 1..10000

  bool operator==(const Limits&) const = default;
};

// The kubelet's constants (pkg/kubelet/cm/helpers_linux.go).
inline constexpr std::int64_t kCpuPeriodUsec = 100000;
inline constexpr std::int64_t kMinQuotaUsec = 1000;
inline constexpr std::int64_t kMinShares = 2;
inline constexpr std::int64_t kMaxShares = 262144;
inline constexpr std::int64_t kSharesPerCpu = 1024;
inline constexpr std::int64_t kMilliCpuPerCpu = 1000;

// MilliCPUToQuota: 0 means "no quota" (the kubelet then writes no limit).
std::int64_t milli_cpu_to_quota(std::int64_t millicores);
// MilliCPUToShares.
std::int64_t milli_cpu_to_shares(std::int64_t millicores);
// runc's shares -> cpu.weight; 0 shares (unset) gives 0, meaning "leave the default".
std::int64_t shares_to_weight(std::int64_t shares);

// One interface file and the value to write into it.
struct LimitWrite {
  std::string controller;  // the controller the file belongs to: cpu, memory, pids, io
  std::string file;        // e.g. "cpu.max"
  std::string value;       // e.g. "25000 100000"

  bool operator==(const LimitWrite&) const = default;
};

// The writes that apply `limits`, in a fixed order (cpu, memory, pids, io). Values out of range
// are clamped the way the kubelet clamps them (negative limits count as unset).
std::vector<LimitWrite> limit_writes(const Limits& limits);

// The pod-level cgroup's limits, as the kubelet computes them (pkg/api/v1/resource
// PodRequestsAndLimits): requests are summed over the app containers; a limit is summed only
// when every app container sets it (one unlimited container makes the pod unlimited). Each
// resource is then raised to the largest init container's value, because init containers run
// one at a time before the app containers. io weight takes the largest container weight: it is a
// proportion among siblings, not an amount.
Limits pod_limits(std::span<const Limits> containers, std::span<const Limits> init_containers = {});

}  // namespace cgroups
