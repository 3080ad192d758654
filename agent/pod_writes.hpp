// agent/pod_writes.hpp: every write the agent makes to Pod objects in the store — the Job
// controller's PodControl and the pod manager's PodStatusSink — in one place, so both obey the
// same deletion rules (api/pod_deletion.hpp, agent/object_update.hpp).
//
// Contract:
// - StorePodControl::create_pod stores agent/pod_objects.hpp's job_pod() under a generated name
//   (a new suffix on a name clash) and records the scheduler's `Scheduled` event
//   (`Successfully assigned <ns>/<pod> to <node>`, component default-scheduler), since
//   batchlet binds pods at creation.
// - delete_pod is a graceful delete (mark_pod_deleting); remove_tracking_finalizer edits only
//   metadata.finalizers (and so completes a pending deletion).
// - StorePodStatus::update_status replaces only `status` of the object with the pod's uid, merged
//   as the kubelet merges (merge_kubelet_status);
//   finish_deletion is the kubelet's delete with grace 0.
// - All are safe to call from any thread (the store serialises writes).
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "agent/event_sink.hpp"
#include "agent/pod_control.hpp"
#include "agent/pod_manager.hpp"
#include "agent/store.hpp"
#include "base/clock.hpp"

namespace agent {

class StorePodControl final : public PodControl {
 public:
  StorePodControl(Store& store, const base::Clock& clock, EventSink& events, std::string node_name);

  base::Result<CreatedPod> create_pod(const api::Job& job, const PodCreation& pod) override;
  base::Status delete_pod(const api::Job& job, const ControllerPod& pod) override;
  base::Status remove_tracking_finalizer(const api::Job& job, const ControllerPod& pod) override;

 private:
  Store& store_;
  const base::Clock& clock_;
  EventSink& events_;
  std::string node_name_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_;
};

class StorePodStatus final : public PodStatusSink {
 public:
  explicit StorePodStatus(Store& store) : store_(store) {}
  base::Status update_status(const api::Pod& pod) override;
  base::Status finish_deletion(const api::Pod& pod) override;

 private:
  Store& store_;
};

// The kubelet's status write (upstream mergePodStatus): `reported` (the pod worker's status),
// with the conditions the kubelet does not own (PodScheduled, DisruptionTarget set by an
// eviction, ones written by clients) kept from `stored`, and the kubelet's own ones (Ready,
// Initialized, ContainersReady, PodReadyToStartContainers) from `reported`; a DisruptionTarget
// the kubelet reports itself (node shutdown) replaces the stored one once the pod is terminal.
nlohmann::ordered_json merge_kubelet_status(const nlohmann::ordered_json& stored,
                                            nlohmann::ordered_json reported);

// Graceful delete of the pod (namespace, name, uid) with an optional grace override.
base::Status delete_pod_gracefully(Store& store, const base::Clock& clock,
                                   const std::string& name_space, const std::string& name,
                                   const std::string& uid,
                                   std::optional<std::int64_t> grace = std::nullopt);

// Drops `finalizer` from the object (resource, namespace, name) with `uid`.
base::Status remove_finalizer(Store& store, const ObjectKey& key, const std::string& uid,
                              std::string_view finalizer);

inline const std::string kPodsResource = "pods";

}  // namespace agent
