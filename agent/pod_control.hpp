// agent/pod_control.hpp: the seams through which the Job controller acts on the world: pod
// writes (PodControl) and events (EventRecorder).
//
// Contract:
// - The controller decides; implementations only carry out. Every call is synchronous and its
//   result is final for this sync: an error means "did not happen" (the controller keeps the pod
//   counted as it was and retries on a later sync); success means the write is durable, though
//   the pod list the controller gets next time may not show it yet (expectations cover that).
// - A pod that no longer exists counts as successfully deleted / unfinalized.
// - create_pod builds the Pod from job.spec.template plus the additions in PodCreation (see
//   there) and returns the name and UID the store gave it.
// - The production implementations live with the pod manager; tests use fakes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/controller_pod.hpp"
#include "api/job.hpp"
#include "base/result.hpp"

namespace agent {

// An environment variable whose value comes from a field of the pod (downward API).
struct FieldRefEnv {
  std::string name;
  std::string field_path;
};

// What a controller-created pod adds to a deep copy of spec.template (spec §2.3). Labels,
// annotations and finalizers are complete (template's plus the controller's); the pod manager
// also adds the controller ownerReference (batch/v1 Job, controller and blockOwnerDeletion true).
struct PodCreation {
  std::string generate_name;  // the store appends the random suffix (api::generate_name)
  api::Labels labels;
  api::Labels annotations;
  std::vector<std::string> finalizers;
  std::optional<std::int32_t> completion_index;  // Indexed jobs only
  std::string hostname;                          // "<job>-<index>" for Indexed, else empty
  // Added to every container AND init container that has no variable of the same name.
  std::vector<FieldRefEnv> env;
};

struct CreatedPod {
  std::string name;
  std::string uid;
};

class PodControl {
 public:
  virtual ~PodControl() = default;
  virtual base::Result<CreatedPod> create_pod(const api::Job& job, const PodCreation& pod) = 0;
  // A graceful delete: sets deletionTimestamp; the pod manager stops the containers (§4.19).
  virtual base::Status delete_pod(const api::Job& job, const ControllerPod& pod) = 0;
  // Drops kJobTrackingFinalizer from the pod's metadata.finalizers.
  virtual base::Status remove_tracking_finalizer(const api::Job& job, const ControllerPod& pod) = 0;
};

inline constexpr std::string_view kEventNormal = "Normal";
inline constexpr std::string_view kEventWarning = "Warning";

// Events about a Job (involvedObject = the job, source component job-controller, spec §7).
class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  virtual void record(const api::Job& job, std::string_view type, std::string_view reason,
                      std::string_view message) = 0;
};

}  // namespace agent
