#include "agent/node_admission.hpp"

#include <string>

#include "agent/namespace_owner.hpp"

namespace agent {
namespace {

// The architecture name the kubelet puts in the kubernetes.io/arch node label.
constexpr std::string_view kNodeArch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#elif defined(__arm__)
    "arm";
#elif defined(__riscv)
    "riscv64";
#else
    "unknown";
#endif

}  // namespace

api::FieldErrors node_admission_errors(const api::Job& job) {
  api::FieldErrors out;
  const std::string field = "spec.template.spec";
  const api::PodSpec& pod = job.spec.template_.spec;
  const std::string& scheduler = pod.scheduler_name;
  if (!scheduler.empty() && scheduler != "default-scheduler") {
    out.push_back(api::not_supported(field + ".schedulerName", scheduler, {"default-scheduler"}));
  }
  for (const auto& [key, value] : pod.node_selector) {
    const std::string entry = field + ".nodeSelector[" + key + "]";
    if (key == "kubernetes.io/os") {
      if (value != "linux") out.push_back(api::not_supported(entry, value, {"linux"}));
    } else if (key == "kubernetes.io/arch") {
      if (value != kNodeArch) out.push_back(api::not_supported(entry, value, {kNodeArch}));
    } else {
      out.push_back(api::forbidden(entry, "no label of this node matches it"));
    }
  }
  // The kubelet's fsGroup (volume ownership and a supplementary group) is not implemented.
  if (pod.security_context && pod.security_context->fs_group) {
    out.push_back(api::forbidden(field + ".securityContext.fsGroup",
                                 "not supported by batchlet yet (see docs/compatibility.md)"));
  }
  return out;
}

api::FieldErrors job_admission_errors(Store& store, const api::Job& job) {
  api::FieldErrors out = node_admission_errors(job);
  auto owner = namespace_owner(store, job.metadata.namespace_);
  if (!owner.ok()) {
    out.push_back(api::forbidden("metadata.namespace", owner.error().message()));
  } else if (owner->has_value()) {
    api::FieldErrors limits =
        owner_policy_errors(job.spec.template_.spec, **owner, {}, "spec.template.spec");
    out.insert(out.end(), limits.begin(), limits.end());
  }
  return out;
}

}  // namespace agent
