#include "agent/host_container.hpp"

#include <map>

#include "agent/env_expansion.hpp"

namespace agent {

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
