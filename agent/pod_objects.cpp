#include "agent/pod_objects.hpp"

#include <algorithm>

namespace agent {
namespace {

void add_env(api::Container& container, const std::vector<FieldRefEnv>& env) {
  for (const FieldRefEnv& var : env) {
    const bool present = std::any_of(container.env.begin(), container.env.end(),
                                     [&](const api::EnvVar& e) { return e.name == var.name; });
    if (present) continue;
    api::EnvVar added;
    added.name = var.name;
    added.value_from = api::EnvVarSource{api::ObjectFieldSelector{"v1", var.field_path}};
    container.env.push_back(std::move(added));
  }
}

PodPhase phase_of(std::string_view phase) {
  if (phase == api::kPodPending) return PodPhase::pending;
  if (phase == api::kPodRunning) return PodPhase::running;
  if (phase == api::kPodSucceeded) return PodPhase::succeeded;
  if (phase == api::kPodFailed) return PodPhase::failed;
  if (phase.empty()) return PodPhase::pending;
  return PodPhase::unknown;
}

}  // namespace

api::Pod job_pod(const api::Job& job, const PodCreation& creation, std::string name,
                 std::string uid, base::TimePoint now, std::string_view node_name) {
  api::Pod pod;
  pod.metadata.name = std::move(name);
  pod.metadata.generate_name = creation.generate_name;
  pod.metadata.namespace_ = job.metadata.namespace_;
  pod.metadata.uid = std::move(uid);
  pod.metadata.labels = creation.labels;
  pod.metadata.annotations = creation.annotations;
  pod.metadata.finalizers = creation.finalizers;
  pod.metadata.creation_timestamp = now;
  api::OwnerReference owner;
  owner.api_version = "batch/v1";
  owner.kind = "Job";
  owner.name = job.metadata.name;
  owner.uid = job.metadata.uid;
  owner.controller = true;
  owner.block_owner_deletion = true;
  pod.metadata.owner_references.push_back(std::move(owner));

  pod.spec = job.spec.template_.spec;
  if (!creation.hostname.empty()) pod.spec.hostname = creation.hostname;
  for (api::Container& c : pod.spec.init_containers) add_env(c, creation.env);
  for (api::Container& c : pod.spec.containers) add_env(c, creation.env);
  pod.spec.node_name = std::string(node_name);

  pod.status.phase = std::string(api::kPodPending);
  api::PodCondition scheduled;
  scheduled.type = "PodScheduled";
  scheduled.status = "True";
  scheduled.last_transition_time = now;
  pod.status.conditions.push_back(std::move(scheduled));
  return pod;
}

std::optional<ControllerRef> controller_of(const api::ObjectMeta& meta) {
  for (const api::OwnerReference& ref : meta.owner_references) {
    if (ref.controller.value_or(false)) {
      return ControllerRef{ref.api_version, ref.kind, ref.name, ref.uid};
    }
  }
  return std::nullopt;
}

ControllerPod controller_view(const api::Pod& pod) {
  ControllerPod view;
  view.name = pod.metadata.name;
  view.namespace_ = pod.metadata.namespace_;
  view.uid = pod.metadata.uid;
  view.labels = pod.metadata.labels;
  view.annotations = pod.metadata.annotations;
  view.phase = phase_of(pod.status.phase);
  view.has_tracking_finalizer =
      std::find(pod.metadata.finalizers.begin(), pod.metadata.finalizers.end(),
                kJobTrackingFinalizer) != pod.metadata.finalizers.end();
  view.scheduled = !pod.spec.node_name.empty();
  view.creation_time = pod.metadata.creation_timestamp;
  view.deletion_time = pod.metadata.deletion_timestamp;
  view.deletion_grace_period_seconds = pod.metadata.deletion_grace_period_seconds;

  for (const api::PodCondition& c : pod.status.conditions) {
    view.conditions.push_back({c.type, c.status});
    if (c.type != "Ready") continue;
    if (c.status == "True") {
      view.ready = true;
      view.ready_since = c.last_transition_time;
    } else if (c.status == "False") {
      view.not_ready_since = c.last_transition_time;
    }
  }

  bool all_terminated = true;
  std::optional<base::TimePoint> latest_finish;
  const auto visit = [&](const std::vector<api::ContainerStatus>& statuses, bool init,
                         std::size_t expected) {
    if (statuses.size() < expected) all_terminated = false;
    for (const api::ContainerStatus& s : statuses) {
      view.restart_count += s.restart_count;
      view.max_container_restarts = std::max(view.max_container_restarts, s.restart_count);
      if (const auto& t = s.state.terminated) {
        view.terminated_containers.push_back({s.name, init, t->exit_code});
        if (t->finished_at && (!latest_finish || *t->finished_at > *latest_finish)) {
          latest_finish = t->finished_at;
        }
      } else if (!init) {
        all_terminated = false;
      }
    }
  };
  visit(pod.status.init_container_statuses, true, 0);
  visit(pod.status.container_statuses, false, pod.spec.containers.size());
  if (all_terminated && latest_finish) view.containers_finished_at = latest_finish;
  return view;
}

}  // namespace agent
