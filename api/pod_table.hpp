// api/pod_table.hpp: the server-side Table printing of Pods, what `kubectl get pods` shows
// (spec §8): NAME READY STATUS RESTARTS AGE, and for -o wide IP NODE NOMINATED NODE READINESS
// GATES.
//
// Contract: mirrors upstream pkg/printers/internalversion printPod (Kubernetes ~1.33) for the pod
// fields batchlet has (no restartable init containers, no readiness gates, no nominated node):
// STATUS starts from the phase or status.reason, then init containers report
// Init:<reason> / Init:Signal:<n> / Init:ExitCode:<n> / Init:<i>/<n>, then the containers
// (scanned last to first) a waiting or terminated reason, Signal:<n> or ExitCode:<n>; Completed
// with a container still running becomes Running or NotReady; a deleted pod not yet in a
// terminal phase is Terminating. RESTARTS is the sum of restart counts, with " (<age> ago)" of
// the latest previous termination when there was one. Every cell is a string.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/job_table.hpp"
#include "api/pod.hpp"
#include "base/clock.hpp"

namespace api {

const std::vector<TableColumn>& pod_columns();

// The STATUS cell.
std::string pod_status_reason(const Pod& pod);

// All nine cells, in pod_columns() order.
std::vector<std::string> pod_row(const Pod& pod, base::TimePoint now);

// A meta.k8s.io/v1 Table of `pods` (null pointers skipped); rows carry the pod's metadata as a
// PartialObjectMetadata and, for Succeeded/Failed pods, upstream's Completed row condition.
nlohmann::json pod_table(const std::vector<const Pod*>& pods, base::TimePoint now);

}  // namespace api
