// agent/job_controller.hpp: the Job controller (upstream pkg/controller/job syncJob) as a
// reconciler over (job, its pods, backoff record, now), acting only through PodControl and
// EventRecorder (spec §4.1-4.11, §4.17-4.19, §5, §7).
//
// How the agent drives it:
//   JobController controller(clock, pod_control, events);
//   SyncResult r = controller.sync(job, pods_of(job), backoff_record_of(job));
//   if (r.status_changed || r.backoff_changed)
//     store.write(job.uid, r.status, r.backoff);  // one transaction
//   if (r.requeue_after) sync again after *r.requeue_after (0 = right away);
//   also sync on job add / spec change (at once) and on pod changes (1 s batch window);
//   controller.forget(uid) when the job object is gone.
// A sync whose pod writes failed reports the first error and asks for a retry after 1 s,
// doubling per consecutive failed sync up to 60 s (spec §4.1); the caller only logs it.
//
// Contract:
// - `job` is defaulted (spec §2.1) and validated; `pods` are all pods the job controls, as
//   they are now in the store: a snapshot that PodControl calls do not change while sync()
//   runs. sync() never blocks except inside PodControl calls.
// - The returned status is the complete new JobStatus; it must be persisted, together with the
//   returned backoff record, before the next sync of that job. That ordering is the crash-safe
//   accounting of spec §4.3: a terminated pod is first recorded in uncountedTerminatedPods (or,
//   for Indexed successes, in completedIndexes) by one sync, and only the next sync, which reads
//   that record back, removes the pod's tracking finalizer and moves it into the counters. A crash
//   at any point therefore neither loses nor double-counts a pod: a recorded pod without a
//   finalizer is counted, an unrecorded one still has its finalizer. requeue_after is 0 while
//   such a second step is pending.
// - The backoff record is the only state that must survive a restart (spec §0); expectations
//   (in memory) only need to cover writes the pod list does not show yet.
// - Events are recorded as decisions are made, the Completed/failure event in the sync that
//   writes the final condition (if that status write is lost, the retry records it again).
// - Foreign managedBy: nothing is touched, status stays as it is. Finished job: only leftover
//   tracking finalizers are removed.
// - Which pods a job controls (adoption/release, spec §4.17) is decided before sync() by
//   agent/pod_claim.hpp; adopted pods carry the tracking finalizer like created ones.
// - podFailurePolicy, successPolicy and backoffLimitPerIndex (spec §4.12-§4.14) are decided
//   with agent/pod_failure_policy.hpp and agent/index_failures.hpp: a FailJob match, too many
//   failed indexes or a met success policy are verdicts like the ones above; an Ignore match
//   is never counted; failed indexes are never retried, and each index has its own backoff.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/controller_pod.hpp"
#include "agent/expectations.hpp"
#include "agent/pod_control.hpp"
#include "agent/recreate_backoff.hpp"
#include "api/job.hpp"
#include "base/clock.hpp"
#include "base/result.hpp"

namespace agent {

struct ControllerOptions {
  BackoffPolicy backoff = default_backoff_policy();
  // Upstream MaxPodCreateDeletePerSync and MaxUncountedPods.
  std::size_t max_pod_create_delete_per_sync = 500;
  std::size_t max_uncounted_pods = 500;
  // Upstream ExpectationsTimeout.
  base::Duration expectations_timeout = std::chrono::minutes(5);
  // Delayed requeues (backoff) are never shorter than this (upstream's 1 s batch period).
  base::Duration min_delayed_requeue = std::chrono::seconds(1);
  // Retry of a sync whose pod writes failed: 1 s doubling to 60 s (upstream DefaultJobApiBackOff
  // and MaxJobApiBackOff, spec §4.1).
  base::Duration error_retry_base = std::chrono::seconds(1);
  base::Duration error_retry_cap = std::chrono::seconds(60);
};

struct SyncResult {
  api::JobStatus status;
  bool status_changed = false;
  BackoffRecord backoff;
  bool backoff_changed = false;
  // Sync this job again after this long (0: as soon as the status is persisted).
  std::optional<base::Duration> requeue_after;
  // The first failed pod write of this sync (later ones are in the events).
  base::Status error;
};

class JobController {
 public:
  JobController(const base::Clock& clock, PodControl& pods, EventRecorder& events,
                ControllerOptions options = {});

  SyncResult sync(const api::Job& job, const std::vector<ControllerPod>& pods,
                  const BackoffRecord& backoff);

  // The job object is gone: drop its in-memory expectations.
  void forget(const std::string& job_uid);

 private:
  struct Sync;  // the state of one sync(), defined in the .cpp

  void strip_finalizers(Sync& s);
  std::int32_t manage_job(Sync& s);
  std::int32_t create_pods(Sync& s, std::int32_t diff);
  // backoffLimitPerIndex: failed indexes, the verdicts they lead to, and the pods whose
  // finalizers wait for a replacement.
  void decide_failed_indexes(Sync& s);
  // The indexes whose own backoff is over; if none, requeues for the earliest one.
  std::vector<std::int32_t> indexes_past_their_backoff(Sync& s, std::vector<std::int32_t> indexes);
  static void add_index_failure_counts(const Sync& s, std::int32_t index, PodCreation& creation);
  // Deletes `pods`; with `remove_finalizer_first` they are not counted (suspend, scale-down).
  void delete_pods(Sync& s, const std::vector<const ControllerPod*>& pods,
                   bool remove_finalizer_first, std::int32_t& deleted, std::int32_t& deleted_ready);
  void track_status(Sync& s);
  void requeue(Sync& s, base::Duration after);
  void note_error(Sync& s, base::Error error);

  const base::Clock& clock_;
  PodControl& pod_control_;
  EventRecorder& events_;
  ControllerOptions options_;
  Expectations expectations_;
  std::map<std::string, int, std::less<>> failed_syncs_;  // consecutive, by job UID
};

}  // namespace agent
