// agent/garbage_collector.hpp: what the Kubernetes garbage collector and the job controller's
// orphan-pod handling do for Jobs and their pods (deletion propagation, spec §4.19).
//
// Contract (all writes through agent/pod_writes.hpp, so the deletion rules are the API's):
// - A Job that is gone (Background propagation, or deleted with no policy on a pod whose owner
//   vanished): each pod it controlled loses the Job's tracking finalizer and is deleted
//   gracefully (its containers get their grace period).
// - A Job being deleted with the `foregroundDeletion` finalizer: its pods are deleted; once
//   none is left, the finalizer is removed (and with it the Job, when no other finalizer
//   remains).
// - A Job being deleted with the `orphan` finalizer: its pods lose the ownerReference and the
//   tracking finalizer and keep running; then the finalizer is removed.
// - Each call does what it can and returns the first error; the caller retries later.
#pragma once

#include <string_view>
#include <vector>

#include "agent/informer.hpp"
#include "agent/store.hpp"
#include "api/object_update.hpp"
#include "base/clock.hpp"

namespace agent {

using api::kForegroundDeletionFinalizer;
using api::kOrphanFinalizer;

class GarbageCollector {
 public:
  GarbageCollector(Store& store, const base::Clock& clock) : store_(store), clock_(clock) {}

  base::Status owner_gone(const std::vector<const CachedPod*>& pods);
  base::Status job_deleting(const CachedJob& job, const std::vector<const CachedPod*>& pods);

 private:
  Store& store_;
  const base::Clock& clock_;
};

}  // namespace agent
