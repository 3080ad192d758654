#include "api/job_defaults.hpp"

#include "api/names.hpp"
#include "base/limits.hpp"

namespace api {

std::string default_pull_policy(std::string_view image) {
  // A digest pins the content: no tag is implied then.
  if (image.find('@') != std::string_view::npos) return "IfNotPresent";
  const auto last_slash = image.rfind('/');
  const auto colon = image.rfind(':');
  const bool has_tag = colon != std::string_view::npos &&
                       (last_slash == std::string_view::npos || colon > last_slash);
  if (!has_tag || image.substr(colon + 1) == "latest") return "Always";
  return "IfNotPresent";
}

namespace {

// Upstream SetDefaults_Container, SetDefaults_Probe and SetDefaults_ObjectFieldSelector.
void apply_container_defaults(Container& c) {
  if (c.termination_message_path.empty()) c.termination_message_path = "/dev/termination-log";
  if (c.termination_message_policy.empty()) c.termination_message_policy = "File";
  if (c.image_pull_policy.empty()) c.image_pull_policy = default_pull_policy(c.image);
  for (EnvVar& var : c.env) {
    if (var.value_from && var.value_from->field_ref &&
        var.value_from->field_ref->api_version.empty()) {
      var.value_from->field_ref->api_version = "v1";
    }
  }
  if (Probe* probe = c.readiness_probe ? &*c.readiness_probe : nullptr) {
    if (probe->timeout_seconds == 0) probe->timeout_seconds = 1;
    if (probe->period_seconds == 0) probe->period_seconds = 10;
    if (probe->success_threshold == 0) probe->success_threshold = 1;
    if (probe->failure_threshold == 0) probe->failure_threshold = 3;
  }
}

}  // namespace

void apply_job_defaults(Job& job) {
  JobSpec& spec = job.spec;
  if (!spec.completions && !spec.parallelism) {
    spec.completions = 1;
    spec.parallelism = 1;
  } else if (!spec.parallelism) {
    spec.parallelism = 1;
  }
  if (!spec.backoff_limit) {
    spec.backoff_limit =
        spec.backoff_limit_per_index ? base::limits::kMaxInt32 : base::limits::kDefaultBackoffLimit;
  }
  if (job.metadata.labels.empty() && !spec.template_.metadata.labels.empty()) {
    job.metadata.labels = spec.template_.metadata.labels;
  }
  if (!spec.completion_mode) spec.completion_mode = "NonIndexed";
  if (!spec.suspend) spec.suspend = false;
  if (!spec.pod_replacement_policy) {
    spec.pod_replacement_policy = spec.pod_failure_policy ? "Failed" : "TerminatingOrFailed";
  }
  if (spec.pod_failure_policy) {
    for (auto& rule : spec.pod_failure_policy->rules) {
      for (auto& pattern : rule.on_pod_conditions) {
        if (pattern.status.empty()) pattern.status = "True";
      }
    }
  }
  if (!spec.manual_selector) spec.manual_selector = false;
  if (job.metadata.namespace_.empty()) job.metadata.namespace_ = "default";

  PodSpec& pod = spec.template_.spec;
  if (pod.restart_policy.empty()) pod.restart_policy = "Always";
  if (pod.dns_policy.empty()) pod.dns_policy = "ClusterFirst";
  if (pod.scheduler_name.empty()) pod.scheduler_name = "default-scheduler";
  if (!pod.security_context) pod.security_context.emplace();
  if (!pod.termination_grace_period_seconds) {
    pod.termination_grace_period_seconds = base::limits::kDefaultTerminationGracePeriodSeconds;
  }
  for (Container& c : pod.init_containers) apply_container_defaults(c);
  for (Container& c : pod.containers) apply_container_defaults(c);
  for (Volume& v : pod.volumes) {
    // SetDefaults_Volume: a volume naming no source is an emptyDir.
    if (!v.host_path && !v.empty_dir) v.empty_dir.emplace();
    // SetDefaults_HostPathVolumeSource: no type means HostPathUnset ("").
    if (v.host_path && !v.host_path->type) v.host_path->type = "";
  }
}

void prepare_job_for_create(Job& job, base::TimePoint now, std::mt19937_64& rng) {
  job.status = JobStatus{};
  job.metadata.uid = new_uid(rng);
  job.metadata.creation_timestamp = now;
  job.metadata.generation = 1;
  if (job.metadata.name.empty() && !job.metadata.generate_name.empty()) {
    job.metadata.name = generate_name(job.metadata.generate_name, rng);
  }
  if (job.spec.manual_selector.value_or(false)) return;

  // Selector generation: only keys the user did not set; conflicting values are left for
  // validation to reject.
  Labels& labels = job.spec.template_.metadata.labels;
  const std::string& name = job.metadata.name;
  const std::string& uid = job.metadata.uid;
  labels.try_emplace(std::string(kLegacyJobNameLabel), name);
  labels.try_emplace(std::string(kJobNameLabel), name);
  labels.try_emplace(std::string(kLegacyControllerUidLabel), uid);
  labels.try_emplace(std::string(kControllerUidLabel), uid);
  if (!job.spec.selector) job.spec.selector = LabelSelector{};
  job.spec.selector->match_labels.try_emplace(std::string(kControllerUidLabel), uid);
}

}  // namespace api
