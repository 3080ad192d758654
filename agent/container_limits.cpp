#include "agent/container_limits.hpp"

#include <vector>

namespace agent {

cgroups::Limits container_limits(const api::Container& container) {
  const api::ResourceRequirements& r = container.resources;
  cgroups::Limits out;
  if (auto it = r.limits.find("cpu"); it != r.limits.end()) {
    out.cpu_limit_millicores = it->second.milli_value();
  }
  if (auto it = r.requests.find("cpu"); it != r.requests.end()) {
    out.cpu_request_millicores = it->second.milli_value();
  } else {
    out.cpu_request_millicores = out.cpu_limit_millicores;
  }
  if (auto it = r.limits.find("memory"); it != r.limits.end()) {
    out.memory_limit_bytes = it->second.value();
  }
  return out;
}

cgroups::Limits pod_cgroup_limits(const api::PodSpec& spec,
                                  std::optional<std::int64_t> pids_limit) {
  std::vector<cgroups::Limits> apps;
  std::vector<cgroups::Limits> inits;
  for (const api::Container& c : spec.containers) apps.push_back(container_limits(c));
  for (const api::Container& c : spec.init_containers) inits.push_back(container_limits(c));
  cgroups::Limits limits = cgroups::pod_limits(apps, inits);
  if (!limits.pids_max) limits.pids_max = pids_limit;
  return limits;
}

}  // namespace agent
