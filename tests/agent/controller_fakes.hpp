// tests/agent/controller_fakes.hpp: fakes behind the Job controller's seams, for unit tests.
//
// FakePodControl is an in-memory pod store: create_pod adds a ControllerPod (Pending, with the
// tracking finalizer), delete_pod sets its deletionTimestamp, remove_tracking_finalizer clears
// the flag; a deleted pod that is terminal and unfinalized disappears, as in the API server.
// Failures can be injected per call kind. RecordingEvents keeps every event in order.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/controller_pod.hpp"
#include "agent/pod_control.hpp"
#include "base/clock.hpp"

namespace agent::testing {

struct RecordedEvent {
  std::string type;
  std::string reason;
  std::string message;
  friend bool operator==(const RecordedEvent&, const RecordedEvent&) = default;
};

class RecordingEvents final : public EventRecorder {
 public:
  void record(const api::Job&, std::string_view type, std::string_view reason,
              std::string_view message) override {
    events.push_back({std::string(type), std::string(reason), std::string(message)});
  }
  std::vector<std::string> reasons() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.reason);
    return out;
  }
  std::vector<RecordedEvent> events;
};

class FakePodControl final : public PodControl {
 public:
  explicit FakePodControl(const base::Clock& clock) : clock_(clock) {}

  base::Result<CreatedPod> create_pod(const api::Job& job, const PodCreation& c) override {
    creations.push_back(c);
    if (fail_creates > 0) {
      --fail_creates;
      return base::Error("pods \"" + c.generate_name + "\" is forbidden: exceeded quota");
    }
    ControllerPod p;
    p.name = c.generate_name + std::to_string(next_id_);
    p.uid = "uid-" + std::to_string(next_id_);
    ++next_id_;
    p.namespace_ = job.metadata.namespace_;
    p.labels = c.labels;
    p.annotations = c.annotations;
    p.phase = PodPhase::pending;
    p.has_tracking_finalizer = true;
    p.creation_time = clock_.now();
    created_at[p.uid] = clock_.now();
    created_times.push_back(clock_.now());
    (hide_new_pods ? hidden : pods).push_back(p);
    return CreatedPod{p.name, p.uid};
  }

  base::Status delete_pod(const api::Job&, const ControllerPod& pod) override {
    deletions.push_back(pod.name);
    if (fail_deletes > 0) {
      --fail_deletes;
      return base::Error("etcdserver: request timed out");
    }
    if (ControllerPod* p = find(pod.uid); p && !p->deletion_time) {
      p->deletion_time = clock_.now();
      p->deletion_grace_period_seconds = 0;
    }
    collect();
    return {};
  }

  base::Status remove_tracking_finalizer(const api::Job&, const ControllerPod& pod) override {
    finalizer_removals.push_back(pod.name);
    if (fail_finalizer_removals > 0) {
      --fail_finalizer_removals;
      return base::Error("conflict");
    }
    if (ControllerPod* p = find(pod.uid)) p->has_tracking_finalizer = false;
    collect();
    return {};
  }

  ControllerPod* find(const std::string& uid) {
    for (auto& p : pods) {
      if (p.uid == uid) return &p;
    }
    return nullptr;
  }
  ControllerPod& by_name(const std::string& name) {
    for (auto& p : pods) {
      if (p.name == name) return p;
    }
    throw std::runtime_error("no pod " + name);
  }
  // Makes pods created while hide_new_pods was set visible (the informer caught up).
  void publish() {
    pods.insert(pods.end(), hidden.begin(), hidden.end());
    hidden.clear();
  }
  // Deleted, terminal, unfinalized pods go away (the API server's final delete).
  void collect() {
    std::erase_if(pods, [](const ControllerPod& p) {
      return p.deletion_time && is_terminal(p) && !p.has_tracking_finalizer;
    });
  }
  // The pod's one container ("main") exited with `exit_code` at `at`.
  void finish(ControllerPod& p, PodPhase phase, base::TimePoint at, int exit_code) {
    p.phase = phase;
    p.ready = false;
    p.containers_finished_at = at;
    p.terminated_containers = {{"main", false, exit_code}};
    collect();
  }

  std::vector<ControllerPod> pods;
  std::vector<ControllerPod> hidden;
  bool hide_new_pods = false;
  int fail_creates = 0;
  int fail_deletes = 0;
  int fail_finalizer_removals = 0;
  std::vector<PodCreation> creations;  // every attempt, failed ones included
  std::vector<std::string> deletions;
  std::vector<std::string> finalizer_removals;
  std::map<std::string, base::TimePoint> created_at;
  std::vector<base::TimePoint> created_times;  // in creation order

 private:
  const base::Clock& clock_;
  int next_id_ = 0;
};

}  // namespace agent::testing
