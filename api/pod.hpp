// api/pod.hpp: the core/v1 Pod object batchlet serves for the pods a Job runs: metadata, the
// spec of api/pod_spec.hpp, and the status the kubelet would report (spec §6).
//
// Field names follow the Kubernetes API (camelCase in JSON, snake_case here); optional times
// are std::optional. Encoding is in api/pod_encode.hpp, the `kubectl get pods` Table in
// api/pod_table.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/object_meta.hpp"
#include "api/pod_spec.hpp"
#include "base/clock.hpp"

namespace api {

// Pod phases (spec §6.2).
inline constexpr std::string_view kPodPending = "Pending";
inline constexpr std::string_view kPodRunning = "Running";
inline constexpr std::string_view kPodSucceeded = "Succeeded";
inline constexpr std::string_view kPodFailed = "Failed";

struct PodCondition {
  std::string type;    // PodScheduled | PodReadyToStartContainers | Initialized | ...
  std::string status;  // True | False | Unknown
  std::optional<base::TimePoint> last_probe_time;
  std::optional<base::TimePoint> last_transition_time;
  std::string reason;
  std::string message;
};

struct ContainerStateWaiting {
  std::string reason;  // ContainerCreating | PodInitializing | CrashLoopBackOff | ...
  std::string message;
};

struct ContainerStateRunning {
  std::optional<base::TimePoint> started_at;
};

struct ContainerStateTerminated {
  std::int32_t exit_code = 0;
  std::int32_t signal = 0;
  std::string reason;  // Completed | Error | OOMKilled | ...
  std::string message;
  std::optional<base::TimePoint> started_at;
  std::optional<base::TimePoint> finished_at;
  std::string container_id;
};

// At most one member is set.
struct ContainerState {
  std::optional<ContainerStateWaiting> waiting;
  std::optional<ContainerStateRunning> running;
  std::optional<ContainerStateTerminated> terminated;
};

struct ContainerStatus {
  std::string name;
  ContainerState state;
  ContainerState last_state;  // "lastState" in JSON
  bool ready = false;
  std::int32_t restart_count = 0;
  std::string image;
  std::string image_id;      // "imageID"
  std::string container_id;  // "containerID"
  std::optional<bool> started;
};

struct PodStatus {
  std::string phase;
  std::vector<PodCondition> conditions;
  std::string message;
  std::string reason;
  std::string host_ip;  // "hostIP"
  std::string pod_ip;   // "podIP"; podIPs/hostIPs are written from these
  std::optional<base::TimePoint> start_time;
  std::vector<ContainerStatus> init_container_statuses;
  std::vector<ContainerStatus> container_statuses;
  std::string qos_class;  // Guaranteed | Burstable | BestEffort
};

struct Pod {
  std::string api_version = "v1";
  std::string kind = "Pod";
  ObjectMeta metadata;
  PodSpec spec;
  PodStatus status;
};

}  // namespace api
