// agent/ttl_after_finished.hpp: the TTL-after-finished controller (spec §4.18): a finished Job
// with spec.ttlSecondsAfterFinished is deleted, with its pods, that many seconds after it
// finished.
//
// Contract:
// - ttl_expiry(): the lastTransitionTime of the job's True Complete or Failed condition plus
//   the TTL (0 = at once); nullopt when the job has no TTL, is not finished, or is already
//   being deleted. It depends only on the stored object, so an agent restarted in between
//   deletes the job at the same time (it re-queues every job at start).
// - delete_expired_job(): upstream's deletion: re-reads the stored object, re-checks that it
//   is the same job (uid precondition) and still expired with its current TTL (a TTL changed
//   before expiry is honoured), then deletes it with propagationPolicy Foreground — the
//   garbage collector deletes its pods, whose removal takes their logs and cgroups, and the
//   Job goes when the last pod is gone. Returns whether it was marked for deletion. No event,
//   as upstream.
#pragma once

#include <optional>

#include "agent/informer.hpp"
#include "agent/store.hpp"
#include "api/job.hpp"
#include "base/clock.hpp"

namespace agent {

std::optional<base::TimePoint> ttl_expiry(const api::Job& job);

base::Result<bool> delete_expired_job(Store& store, const base::Clock& clock, const CachedJob& job);

}  // namespace agent
