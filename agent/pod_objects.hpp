// agent/pod_objects.hpp: Pod objects as the agent makes and reads them — the Pod a Job's
// controller creates (spec §2.3), and the ControllerPod view of a stored Pod (the informer side
// of agent/controller_pod.hpp).
//
// Contract:
// - job_pod() is the object upstream's PodControl creates from spec.template: the template's
//   metadata and spec deep-copied, plus PodCreation's labels, annotations, finalizers,
//   generateName, hostname and env, the controller ownerReference (batch/v1 Job, controller and
//   blockOwnerDeletion true), spec.nodeName (batchlet schedules onto its own node at creation:
//   there is no scheduler), and status phase Pending with condition PodScheduled=True.
// - controller_view() maps every field the Job controller reads; pure.
#pragma once

#include <string>
#include <string_view>

#include "agent/controller_pod.hpp"
#include "agent/pod_claim.hpp"
#include "agent/pod_control.hpp"
#include "api/job.hpp"
#include "api/pod.hpp"
#include "base/clock.hpp"

namespace agent {

api::Pod job_pod(const api::Job& job, const PodCreation& creation, std::string name,
                 std::string uid, base::TimePoint now, std::string_view node_name);

ControllerPod controller_view(const api::Pod& pod);

// The controller ownerReference of the object, if any.
std::optional<ControllerRef> controller_of(const api::ObjectMeta& meta);

}  // namespace agent
