// agent/user_quota.hpp: the totals a local user's namespace may use on a shared host (issue 12):
// pods running at once (--user-max-pods) and the sums of their pods' limits.memory and
// limits.cpu (--user-max-memory, --user-max-cpu), counted and worded as a ResourceQuota is
// (upstream pkg/quota/v1/evaluator/core/pods.go and the resourcequota admission plugin).
//
// Contract (everything here is pure):
// - pod_quota_usage() is what one pod counts: per resource the larger of the sum over its
//   containers and the largest init container (upstream's PodLimits), in bytes of memory and
//   millicores of cpu. A sum keeps the format upstream's Quantity.Add gives it (that of its
//   first non-zero term), so it prints as the manifest spelled it ("64Mi", "1500m"). A
//   container or init container without the limit counts zero and sets `*_unset`.
// - fits(): one more pod using `pod` beside the running pods' `used` stays within every quota
//   set (pods count, memory, cpu); a quota not set never holds a pod back.
// - job_quota_refusal(): the reason a new Job whose pods each use `pod` is 403 Forbidden, memory
//   first, then cpu: "failed quota: user-max-memory: must specify limits.memory" when a
//   container lacks the limit, "exceeded quota: user-max-memory, requested: limits.memory=8Gi,
//   used: limits.memory=0, limited: limits.memory=4Gi" when one pod alone needs more than the
//   quota. A pod that fits alone is admitted whatever runs: it waits its turn in the PodManager.
// - exceeded_quota_message() is upstream's "exceeded quota: %s, requested: %s, used: %s,
//   limited: %s" for one resource.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/pod_spec.hpp"
#include "api/quantity.hpp"

namespace agent {

inline constexpr const char* kUserMaxPodsQuota = "user-max-pods";
inline constexpr const char* kUserMaxJobsQuota = "user-max-jobs";
inline constexpr const char* kUserMaxMemoryQuota = "user-max-memory";
inline constexpr const char* kUserMaxCpuQuota = "user-max-cpu";

// The quotas of every local user's namespace; nullopt: none.
struct UserQuota {
  std::optional<std::int64_t> max_pods;     // pods running at once
  std::optional<std::int64_t> max_jobs;     // Jobs stored
  std::optional<api::Quantity> max_memory;  // sum of limits.memory of running pods
  std::optional<api::Quantity> max_cpu;     // sum of limits.cpu of running pods
};

// An amount of memory (bytes) or cpu (millicores) with the format it prints in.
struct QuotaAmount {
  std::int64_t units = 0;
  api::Quantity::Format format = api::Quantity::Format::decimal_si;
  // Upstream Quantity.Add: a zero amount takes the other's format; saturates at INT64_MAX.
  void add(const QuotaAmount& other);
};

struct PodQuotaUsage {
  QuotaAmount memory;  // limits.memory, bytes
  QuotaAmount cpu;     // limits.cpu, millicores
  bool memory_unset = false;
  bool cpu_unset = false;
};

// What the running pods of a namespace add up to.
struct QuotaUsage {
  std::int64_t pods = 0;
  QuotaAmount memory;
  QuotaAmount cpu;
  void add(const PodQuotaUsage& pod);
};

PodQuotaUsage pod_quota_usage(const api::PodSpec& spec);

bool fits(const UserQuota& quota, const QuotaUsage& used, const PodQuotaUsage& pod);

std::optional<std::string> job_quota_refusal(const UserQuota& quota, const QuotaUsage& used,
                                             const PodQuotaUsage& pod);

std::string exceeded_quota_message(const std::string& quota, const std::string& resource,
                                   const std::string& requested, const std::string& used,
                                   const std::string& limited);

// The canonical text of an amount of memory (bytes) or cpu (millicores).
std::string memory_text(const QuotaAmount& bytes);
std::string cpu_text(const QuotaAmount& millicores);

}  // namespace agent
