#include "agent/pod_status_logic.hpp"

#include <algorithm>

namespace agent {
namespace {

bool stopped(const api::ContainerStatus& s) {
  if (s.state.terminated) return true;
  return s.state.waiting && s.last_state.terminated;
}

std::int32_t last_exit(const api::ContainerStatus& s) {
  if (s.state.terminated) return s.state.terminated->exit_code;
  if (s.last_state.terminated) return s.last_state.terminated->exit_code;
  return 0;
}

void set_condition(api::PodStatus& status, const std::string& type, bool value,
                   const std::string& reason, base::TimePoint now) {
  const std::string text = value ? "True" : "False";
  for (api::PodCondition& c : status.conditions) {
    if (c.type != type) continue;
    if (c.status != text) c.last_transition_time = now;
    c.status = text;
    c.reason = reason;
    return;
  }
  api::PodCondition c;
  c.type = type;
  c.status = text;
  c.reason = reason;
  c.last_transition_time = now;
  status.conditions.push_back(std::move(c));
}

}  // namespace

std::string pod_phase(const api::PodSpec& spec, const api::PodStatus& status) {
  // Init containers first: until each has succeeded the pod is Pending (Failed when one failed
  // for good under restartPolicy Never).
  for (const api::Container& c : spec.init_containers) {
    const api::ContainerStatus* s = nullptr;
    for (const auto& st : status.init_container_statuses) {
      if (st.name == c.name) s = &st;
    }
    if (s == nullptr || !s->state.terminated) return std::string(api::kPodPending);
    if (s->state.terminated->exit_code != 0) {
      return spec.restart_policy == "Never" ? std::string(api::kPodFailed)
                                            : std::string(api::kPodPending);
    }
  }
  int running = 0, waiting_new = 0, stopped_count = 0, failed = 0;
  for (const api::Container& c : spec.containers) {
    const api::ContainerStatus* s = nullptr;
    for (const auto& st : status.container_statuses) {
      if (st.name == c.name) s = &st;
    }
    if (s == nullptr || (s->state.waiting && !s->last_state.terminated)) {
      ++waiting_new;
    } else if (s->state.running) {
      ++running;
    } else if (stopped(*s)) {
      ++stopped_count;
      if (last_exit(*s) != 0) ++failed;
    }
  }
  if (waiting_new > 0) return std::string(api::kPodPending);
  if (running > 0) return std::string(api::kPodRunning);
  if (spec.restart_policy == "Always") return std::string(api::kPodRunning);
  if (failed == 0) return std::string(api::kPodSucceeded);
  if (spec.restart_policy == "Never") return std::string(api::kPodFailed);
  return std::string(api::kPodRunning);  // OnFailure: the failed container restarts
}

void refresh_conditions(const api::PodSpec& spec, api::PodStatus& status, base::TimePoint now) {
  const bool terminal = status.phase == api::kPodSucceeded || status.phase == api::kPodFailed;
  set_condition(status, "PodReadyToStartContainers", true, "", now);
  bool initialized = true;
  for (const api::Container& c : spec.init_containers) {
    bool done = false;
    for (const auto& s : status.init_container_statuses) {
      if (s.name == c.name && s.state.terminated && s.state.terminated->exit_code == 0) done = true;
    }
    initialized = initialized && done;
  }
  set_condition(status, "Initialized", initialized, initialized ? "" : "ContainersNotInitialized",
                now);
  bool ready = !terminal && !status.container_statuses.empty();
  for (const api::Container& c : spec.containers) {
    bool container_ready = false;
    for (const auto& s : status.container_statuses) {
      if (s.name == c.name) container_ready = s.ready;
    }
    ready = ready && container_ready;
  }
  std::string reason;
  if (terminal) {
    reason = status.phase == api::kPodSucceeded ? "PodCompleted" : "PodFailed";
  } else if (!ready) {
    reason = "ContainersNotReady";
  }
  set_condition(status, "ContainersReady", ready, reason, now);
  set_condition(status, "Ready", ready, reason, now);
  // The kubelet's order: PodReadyToStartContainers, Initialized, Ready, ContainersReady,
  // PodScheduled.
  const auto rank = [](const std::string& type) {
    static const std::vector<std::string> order = {"PodReadyToStartContainers", "Initialized",
                                                   "Ready", "ContainersReady", "PodScheduled"};
    auto it = std::find(order.begin(), order.end(), type);
    return it - order.begin();
  };
  std::stable_sort(status.conditions.begin(), status.conditions.end(),
                   [&](const api::PodCondition& a, const api::PodCondition& b) {
                     return rank(a.type) < rank(b.type);
                   });
}

api::ContainerStateTerminated terminated_state(const runtime::ExitStatus& exit,
                                               const std::string& container_id, bool oom_killed) {
  api::ContainerStateTerminated t;
  // The CRI reports the shell convention (137 for SIGKILL) and no signal, so does the kubelet.
  t.exit_code = exit.exit.code();
  if (!exit.start_error.empty()) {
    t.reason = "StartError";
    t.message = exit.start_error;
    t.exit_code = 128;
  } else if (oom_killed) {
    t.reason = "OOMKilled";
  } else {
    t.reason = t.exit_code == 0 ? "Completed" : "Error";
  }
  if (t.message.empty()) t.message = exit.message;
  t.started_at = exit.started_at ? exit.started_at : exit.finished_at;
  t.finished_at = exit.finished_at;
  t.container_id = container_id;
  return t;
}

api::ContainerStatus& container_status(std::vector<api::ContainerStatus>& statuses,
                                       const api::Container& container, const std::string& reason) {
  for (auto& s : statuses) {
    if (s.name == container.name) return s;
  }
  api::ContainerStatus s;
  s.name = container.name;
  s.image = container.image;
  s.state.waiting = api::ContainerStateWaiting{reason, ""};
  s.started = false;
  statuses.push_back(std::move(s));
  return statuses.back();
}

std::string qos_class(const api::PodSpec& spec) {
  bool any = false;
  bool guaranteed = true;
  for (const auto* list : {&spec.containers, &spec.init_containers}) {
    for (const api::Container& c : *list) {
      const auto& r = c.resources;
      if (!r.requests.empty() || !r.limits.empty()) any = true;
      for (const char* name : {"cpu", "memory"}) {
        auto limit = r.limits.find(name);
        auto request = r.requests.find(name);
        if (limit == r.limits.end()) {
          guaranteed = false;
        } else if (request != r.requests.end() && request->second.compare(limit->second) != 0) {
          guaranteed = false;
        }
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

}  // namespace agent
