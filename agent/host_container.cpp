#include "agent/host_container.hpp"

#include <map>

#include "agent/env_expansion.hpp"

namespace agent {
namespace {

// The architecture name the kubelet would put in the kubernetes.io/arch node label.
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

constexpr std::string_view kHostRuntimeLater = "not supported by the host runtime yet";

void refuse(const std::string& field, api::FieldErrors& out) {
  out.push_back(api::forbidden(field, std::string(kHostRuntimeLater)));
}

// Pod-template fields the API accepts (api/pod_spec.hpp) that the host runtime cannot honour
// yet: each is refused by name, never ignored.
void check_pod_spec(const api::PodSpec& pod, api::FieldErrors& out) {
  const std::string field = "spec.template.spec";
  if (!pod.volumes.empty()) refuse(field + ".volumes", out);
  if (!pod.init_containers.empty()) refuse(field + ".initContainers", out);
  if (pod.active_deadline_seconds) refuse(field + ".activeDeadlineSeconds", out);
  if (!pod.hostname.empty()) refuse(field + ".hostname", out);
  if (!pod.subdomain.empty()) refuse(field + ".subdomain", out);
  // This host is the only node: a selector it does not satisfy could never be scheduled.
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
  if (pod.security_context) {
    const api::PodSecurityContext& sc = *pod.security_context;
    const std::string sc_field = field + ".securityContext";
    if (sc.run_as_user) refuse(sc_field + ".runAsUser", out);
    if (sc.run_as_group) refuse(sc_field + ".runAsGroup", out);
    if (sc.run_as_non_root) refuse(sc_field + ".runAsNonRoot", out);
    if (!sc.supplemental_groups.empty()) refuse(sc_field + ".supplementalGroups", out);
    if (sc.fs_group) refuse(sc_field + ".fsGroup", out);
    if (sc.seccomp_profile) refuse(sc_field + ".seccompProfile", out);
  }
}

void check_container(const api::Container& c, const std::string& field, api::FieldErrors& out) {
  for (std::size_t i = 0; i < c.env.size(); ++i) {
    if (c.env[i].value_from) refuse(field + ".env[" + std::to_string(i) + "].valueFrom", out);
  }
  if (!c.resources.limits.empty()) refuse(field + ".resources.limits", out);
  if (!c.resources.requests.empty()) refuse(field + ".resources.requests", out);
  if (!c.volume_mounts.empty()) refuse(field + ".volumeMounts", out);
  if (c.readiness_probe) refuse(field + ".readinessProbe", out);
  if (c.security_context) refuse(field + ".securityContext", out);
}

}  // namespace

api::FieldErrors check_runnable(const api::Job& job) {
  api::FieldErrors out;
  const api::JobSpec& spec = job.spec;
  if (spec.parallelism.value_or(1) > 1) {
    out.push_back(api::invalid("spec.parallelism", api::render(*spec.parallelism),
                               "batchlet run starts one pod at a time for now; use 0 or 1"));
  }
  if (spec.completion_mode.value_or("NonIndexed") != "NonIndexed") {
    out.push_back(api::not_supported("spec.completionMode", *spec.completion_mode, {"NonIndexed"}));
  }
  // Advanced Job features arrive with the job controller (issue 9); until then they are refused
  // rather than run with different semantics.
  const std::string later = "batchlet run does not implement this field yet";
  if (spec.pod_failure_policy) out.push_back(api::forbidden("spec.podFailurePolicy", later));
  if (spec.success_policy) out.push_back(api::forbidden("spec.successPolicy", later));
  if (spec.backoff_limit_per_index) {
    out.push_back(api::forbidden("spec.backoffLimitPerIndex", later));
  }
  if (spec.max_failed_indexes) out.push_back(api::forbidden("spec.maxFailedIndexes", later));
  if (spec.managed_by && *spec.managed_by != "kubernetes.io/job-controller") {
    out.push_back(api::forbidden("spec.managedBy",
                                 "a job managed by another controller is never run by batchlet"));
  }
  if (spec.suspend.value_or(false)) {
    out.push_back(
        api::forbidden("spec.suspend", "a job started by batchlet run cannot be resumed later"));
  }
  const std::string& scheduler = spec.template_.spec.scheduler_name;
  if (!scheduler.empty() && scheduler != "default-scheduler") {
    out.push_back(
        api::not_supported("spec.template.spec.schedulerName", scheduler, {"default-scheduler"}));
  }
  check_pod_spec(spec.template_.spec, out);
  const auto& containers = spec.template_.spec.containers;
  for (std::size_t i = 1; i < containers.size(); ++i) {
    out.push_back(api::forbidden("spec.template.spec.containers[" + std::to_string(i) + "]",
                                 "batchlet runs one container per pod for now"));
  }
  if (!containers.empty()) {
    const api::Container& c = containers.front();
    const std::string field = "spec.template.spec.containers[0]";
    if (c.image != kHostImage) {
      out.push_back(api::not_supported(field + ".image", c.image, {kHostImage}));
    } else if (c.command.empty() && c.args.empty()) {
      out.push_back(
          api::required(field + ".command", "the image \"batchlet.local/host\" has no entrypoint"));
    }
    check_container(c, field, out);
  }
  return out;
}

runtime::HostProcessSpec host_process_spec(const api::Container& container) {
  runtime::HostProcessSpec spec;
  std::map<std::string, std::string, std::less<>> env{{"PATH", std::string(runtime::kDefaultPath)}};
  std::vector<std::string> order{"PATH"};
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  // Each value may refer to variables defined before it (upstream semantics).
  for (const api::EnvVar& var : container.env) {
    std::string value = expand_env_references(var.value, lookup);
    if (env.find(var.name) == env.end()) order.push_back(var.name);
    env[var.name] = std::move(value);
  }
  for (const auto& name : order) spec.env.push_back(name + "=" + env[name]);
  for (const auto& arg : container.command) spec.argv.push_back(expand_env_references(arg, lookup));
  for (const auto& arg : container.args) spec.argv.push_back(expand_env_references(arg, lookup));
  spec.cwd = container.working_dir.empty() ? "/" : container.working_dir;
  return spec;
}

}  // namespace agent
