// agent/user_quota.cpp: see user_quota.hpp.
#include "agent/user_quota.hpp"

#include <limits>

namespace agent {

namespace {

using Format = api::Quantity::Format;

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  return (b > 0 && a > kMax - b) ? kMax : a + b;
}

struct ResourceUsage {
  QuotaAmount amount;
  bool unset = false;
};

// Upstream's PodLimits for one resource: the sum over the containers, raised to the largest
// init container (maxResourceList keeps the larger quantity, with its format).
ResourceUsage pod_usage(const api::PodSpec& spec, const char* resource, bool milli) {
  ResourceUsage out;
  const auto limit_of = [&](const api::Container& c) -> std::optional<QuotaAmount> {
    auto it = c.resources.limits.find(resource);
    if (it == c.resources.limits.end()) return std::nullopt;
    return QuotaAmount{milli ? it->second.milli_value() : it->second.value(), it->second.format()};
  };
  for (const api::Container& c : spec.containers) {
    if (auto limit = limit_of(c)) {
      out.amount.add(*limit);
    } else {
      out.unset = true;
    }
  }
  for (const api::Container& c : spec.init_containers) {
    if (auto limit = limit_of(c)) {
      if (limit->units > out.amount.units) out.amount = *limit;
    } else {
      out.unset = true;
    }
  }
  return out;
}

std::optional<std::string> resource_refusal(const char* quota, const char* resource,
                                            const api::Quantity& limited, std::int64_t limit,
                                            bool unset, const QuotaAmount& requested,
                                            const QuotaAmount& used,
                                            std::string (*text)(const QuotaAmount&)) {
  if (unset) return "failed quota: " + std::string(quota) + ": must specify " + resource;
  if (requested.units <= limit) return std::nullopt;
  return exceeded_quota_message(quota, resource, text(requested), text(used), limited.canonical());
}

}  // namespace

void QuotaAmount::add(const QuotaAmount& other) {
  if (units == 0) format = other.format;
  units = saturating_add(units, other.units);
}

void QuotaUsage::add(const PodQuotaUsage& pod) {
  pods = saturating_add(pods, 1);
  memory.add(pod.memory);
  cpu.add(pod.cpu);
}

PodQuotaUsage pod_quota_usage(const api::PodSpec& spec) {
  const ResourceUsage memory = pod_usage(spec, "memory", false);
  const ResourceUsage cpu = pod_usage(spec, "cpu", true);
  return PodQuotaUsage{memory.amount, cpu.amount, memory.unset, cpu.unset};
}

bool fits(const UserQuota& quota, const QuotaUsage& used, const PodQuotaUsage& pod) {
  if (quota.max_pods && saturating_add(used.pods, 1) > *quota.max_pods) return false;
  if (quota.max_memory &&
      saturating_add(used.memory.units, pod.memory.units) > quota.max_memory->value()) {
    return false;
  }
  if (quota.max_cpu &&
      saturating_add(used.cpu.units, pod.cpu.units) > quota.max_cpu->milli_value()) {
    return false;
  }
  return true;
}

std::optional<std::string> job_quota_refusal(const UserQuota& quota, const QuotaUsage& used,
                                             const PodQuotaUsage& pod) {
  if (quota.max_memory) {
    if (auto refused = resource_refusal(kUserMaxMemoryQuota, "limits.memory", *quota.max_memory,
                                        quota.max_memory->value(), pod.memory_unset, pod.memory,
                                        used.memory, memory_text)) {
      return refused;
    }
  }
  if (quota.max_cpu) {
    if (auto refused = resource_refusal(kUserMaxCpuQuota, "limits.cpu", *quota.max_cpu,
                                        quota.max_cpu->milli_value(), pod.cpu_unset, pod.cpu,
                                        used.cpu, cpu_text)) {
      return refused;
    }
  }
  return std::nullopt;
}

std::string exceeded_quota_message(const std::string& quota, const std::string& resource,
                                   const std::string& requested, const std::string& used,
                                   const std::string& limited) {
  return "exceeded quota: " + quota + ", requested: " + resource + "=" + requested +
         ", used: " + resource + "=" + used + ", limited: " + resource + "=" + limited;
}

std::string memory_text(const QuotaAmount& bytes) {
  return api::Quantity::from_scaled(bytes.units, 0, bytes.format).canonical();
}

std::string cpu_text(const QuotaAmount& millicores) {
  return api::Quantity::from_scaled(millicores.units, -3, millicores.format).canonical();
}

}  // namespace agent
