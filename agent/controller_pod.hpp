// agent/controller_pod.hpp: the view of a Pod that the Job controller reasons about.
//
// Contract: the pod manager maps each real Pod object of a Job onto one ControllerPod (one per
// pod the Job controls, terminated and deleted-but-still-present pods included) and hands the
// list to JobController::sync. Nothing here talks to the runtime or the store; the helpers are
// upstream's pod predicates (spec §4.2, §5) as pure functions, so the controller and its tests
// agree on one definition of "active", "terminating", "failed" and "finish time".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/job.hpp"
#include "base/clock.hpp"

namespace agent {

// Well-known names of controller-created pods (spec §1, §2.3).
inline constexpr std::string_view kJobTrackingFinalizer = "batch.kubernetes.io/job-tracking";
inline constexpr std::string_view kJobCompletionIndexKey =
    "batch.kubernetes.io/job-completion-index";
inline constexpr std::string_view kJobCompletionIndexEnv = "JOB_COMPLETION_INDEX";

enum class PodPhase { pending, running, succeeded, failed, unknown };

// A container whose *current* state is terminated (podFailurePolicy onExitCodes looks only at
// those, spec §4.13).
struct TerminatedContainer {
  std::string name;
  bool init = false;
  std::int32_t exit_code = 0;
};

struct PodConditionView {
  std::string type;    // e.g. DisruptionTarget
  std::string status;  // True | False | Unknown
};

struct ControllerPod {
  std::string name;
  std::string namespace_;
  std::string uid;
  api::Labels labels;
  api::Labels annotations;  // the completion index lives here (kJobCompletionIndexKey)

  PodPhase phase = PodPhase::pending;
  bool has_tracking_finalizer = true;
  bool scheduled = true;  // admitted to the node (upstream: spec.nodeName set)
  bool ready = false;     // Ready condition True

  std::optional<base::TimePoint> creation_time;
  std::optional<base::TimePoint> deletion_time;  // metadata.deletionTimestamp
  std::optional<std::int64_t> deletion_grace_period_seconds;
  // Since when the pod has been Ready (lastTransitionTime of Ready=True), for deletion ranking.
  std::optional<base::TimePoint> ready_since;
  // lastTransitionTime of a Ready=False condition, one fallback for the finish time (spec §5).
  std::optional<base::TimePoint> not_ready_since;
  // Latest finishedAt of the containers, set only when every container (and sidecar) has
  // terminated (spec §5 "finish time of a pod").
  std::optional<base::TimePoint> containers_finished_at;

  // Sum of restartCount over containers and init containers (spec §4.11).
  std::int32_t restart_count = 0;
  // Highest restartCount of one container (upstream ranks pods for deletion by it).
  std::int32_t max_container_restarts = 0;

  std::vector<TerminatedContainer> terminated_containers;
  std::vector<PodConditionView> conditions;
};

// Upstream's unknownCompletionIndex: the annotation is missing, not an integer, or negative.
inline constexpr std::int32_t kUnknownCompletionIndex = -1;

// An integer annotation read like Go's strconv.Atoi (optional sign, decimal digits, fits 64
// bits); nullopt when missing or malformed.
std::optional<std::int64_t> annotation_int(const ControllerPod& pod, std::string_view key);

// The completion index of the pod (annotation, read like Go's strconv.Atoi: optional sign,
// decimal digits, must fit), or kUnknownCompletionIndex.
std::int32_t completion_index(const ControllerPod& pod);

// Phase Succeeded or Failed.
bool is_terminal(const ControllerPod& pod);
// Not terminal and not being deleted (upstream controller.IsPodActive).
bool is_active(const ControllerPod& pod);
// Being deleted and not terminal (upstream controller.IsPodTerminating).
bool is_terminating(const ControllerPod& pod);

// podReplacementPolicy Failed, or any podFailurePolicy: terminating pods are neither failed nor
// replaced (spec §4.15).
bool only_replace_failed_pods(const api::Job& job);

// Phase Failed; or, unless the job only replaces failed pods, being deleted without having
// Succeeded (spec §4.2 isPodFailed).
bool is_pod_failed(const ControllerPod& pod, const api::Job& job);

// When the pod stopped (spec §5): the containers' finish time; else the Ready=False transition;
// else deletionTimestamp - grace period; else the creation time (epoch if unknown).
base::TimePoint finish_time(const ControllerPod& pod);

}  // namespace agent
