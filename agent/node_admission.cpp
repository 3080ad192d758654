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

namespace {

// Where `path` leads now, symlinks followed (as far as it exists).
std::filesystem::path resolved(const std::filesystem::path& path) {
  std::error_code ec;
  auto out = std::filesystem::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : out;
}

}  // namespace

api::FieldErrors job_admission_errors(Store& store, const api::Job& job,
                                      const std::vector<std::filesystem::path>& shared_host_paths) {
  api::FieldErrors out = node_admission_errors(job);
  auto owner = namespace_owner(store, job.metadata.namespace_);
  if (!owner.ok()) {
    out.push_back(api::forbidden("metadata.namespace", owner.error().message()));
  } else if (owner->has_value()) {
    // A symlink in the user's home must not lead a mount elsewhere.
    api::PodSpec spec = job.spec.template_.spec;
    for (auto& volume : spec.volumes) {
      if (volume.host_path) volume.host_path->path = resolved(volume.host_path->path).string();
    }
    NamespaceOwner user = **owner;
    if (!user.home.empty()) user.home = resolved(user.home);
    std::vector<std::filesystem::path> shared;
    for (const auto& p : shared_host_paths) shared.push_back(resolved(p));
    api::FieldErrors limits = owner_policy_errors(spec, user, shared, "spec.template.spec");
    out.insert(out.end(), limits.begin(), limits.end());
  }
  return out;
}

}  // namespace agent
