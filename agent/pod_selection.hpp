// agent/pod_selection.hpp: which pods the Job controller deletes when there are too many, and
// which completion indexes it creates next (spec §4.6).
//
// Contract (pure functions):
// - delete_before(a, b): upstream's ActivePods order, "a goes first": unscheduled before
//   scheduled; Pending < Unknown < Running; not ready before ready; of two ready pods the one
//   ready more recently (or with no ready time); more container restarts; newer creation.
// - pods_for_removal(): Indexed jobs first lose duplicates of an index (keeping the best-ranked
//   one), pods without a valid index and pods with index >= completions; then, for any job, the
//   lowest-ranked pods until at least `rm_at_least` are chosen.
// - first_pending_indexes(): the `count` lowest indexes in [0, completions) not in `taken`.
#pragma once

#include <cstdint>
#include <vector>

#include "agent/controller_pod.hpp"
#include "api/index_intervals.hpp"
#include "api/job.hpp"

namespace agent {

bool delete_before(const ControllerPod& a, const ControllerPod& b);

std::vector<const ControllerPod*> pods_for_removal(const api::Job& job,
                                                   std::vector<const ControllerPod*> active,
                                                   std::size_t rm_at_least);

std::vector<std::int32_t> first_pending_indexes(const api::IndexSet& taken, std::size_t count,
                                                std::int32_t completions);

}  // namespace agent
