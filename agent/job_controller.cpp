#include "agent/job_controller.hpp"

#include <algorithm>
#include <unordered_set>

#include "agent/backoff.hpp"
#include "agent/index_failures.hpp"
#include "agent/job_conditions.hpp"
#include "agent/pod_creation.hpp"
#include "agent/pod_failure_policy.hpp"
#include "agent/pod_selection.hpp"
#include "api/index_intervals.hpp"
#include "base/limits.hpp"

namespace agent {

namespace {

constexpr std::string_view kJobControllerName = "kubernetes.io/job-controller";
constexpr std::string_view kTrue = "True";
constexpr std::string_view kFalse = "False";

bool is_indexed(const api::Job& job) { return job.spec.completion_mode.value_or("") == "Indexed"; }

bool is_suspended(const api::Job& job) { return job.spec.suspend.value_or(false); }

// restartPolicy OnFailure: the restarts of still-running pods count against backoffLimit, with
// ">=" where pod failures use ">" (spec §4.11).
bool past_backoff_limit_on_failure(const api::Job& job, const std::vector<ControllerPod>& pods,
                                   std::int32_t backoff_limit) {
  if (job.spec.template_.spec.restart_policy != "OnFailure") return false;
  std::int64_t restarts = 0;
  for (const ControllerPod& p : pods) {
    if (p.phase == PodPhase::running || p.phase == PodPhase::pending) restarts += p.restart_count;
  }
  return backoff_limit == 0 ? restarts > 0 : restarts >= backoff_limit;
}

bool is_failure_condition(const api::JobCondition& c) {
  return c.type == api::kConditionFailureTarget || c.type == api::kConditionFailed;
}

}  // namespace

struct JobController::Sync {
  Sync(const api::Job& j, const std::vector<ControllerPod>& p, SyncResult& r, base::TimePoint t)
      : job(j), pods(p), result(r), now(t) {}

  const api::Job& job;
  const std::vector<ControllerPod>& pods;
  SyncResult& result;
  base::TimePoint now;

  bool indexed = false;
  std::int32_t completions = 0;  // meaningful when job.spec.completions is set
  bool satisfied = true;
  std::unordered_set<std::string> uncounted_succeeded;  // as persisted, read at sync start
  std::unordered_set<std::string> uncounted_failed;
  std::vector<const ControllerPod*> active_pods;
  std::int32_t ready = 0;
  std::int32_t terminating = 0;
  std::int32_t succeeded = 0;
  std::int32_t failed = 0;
  api::IndexSet prev_succeeded_indexes;
  api::IndexSet succeeded_indexes;
  bool per_index = false;        // backoffLimitPerIndex
  api::IndexSet failed_indexes;  // meaningful with per_index
  // backoffLimitPerIndex: the failed pod whose finalizer waits for its index's replacement.
  std::map<std::int32_t, const ControllerPod*> last_failed_per_index;
  std::optional<api::JobCondition> finished;
  BackoffRecord new_backoff;
  bool second_step_pending = false;

  api::JobStatus& status() { return result.status; }
  const ControllerPod* last_failed(std::int32_t index) const;
  bool valid_index(const ControllerPod& p) const {
    const std::int32_t ix = completion_index(p);
    return ix != kUnknownCompletionIndex && ix < completions;
  }
};

JobController::JobController(const base::Clock& clock, PodControl& pods, EventRecorder& events,
                             ControllerOptions options)
    : clock_(clock),
      pod_control_(pods),
      events_(events),
      options_(options),
      expectations_(options.expectations_timeout) {}

void JobController::forget(const std::string& job_uid) {
  expectations_.forget(job_uid);
  failed_syncs_.erase(job_uid);
}

void JobController::requeue(Sync& s, base::Duration after) {
  after = std::max(after, base::Duration::zero());
  if (!s.result.requeue_after || after < *s.result.requeue_after) s.result.requeue_after = after;
}

void JobController::note_error(Sync& s, base::Error error) {
  if (s.result.error.ok()) s.result.error = std::move(error);
}

SyncResult JobController::sync(const api::Job& job, const std::vector<ControllerPod>& pods,
                               const BackoffRecord& backoff) {
  SyncResult result;
  result.status = job.status;
  result.backoff = backoff;
  if (job.spec.managed_by && *job.spec.managed_by != kJobControllerName) return result;

  const std::string& uid = job.metadata.uid;
  Sync s{job, pods, result, clock_.now()};
  expectations_.observe(uid, pods, s.now);
  auto has_finalizer = [&](const ControllerPod& p) {
    return p.has_tracking_finalizer && !expectations_.finalizer_removal_pending(uid, p.uid);
  };

  if (job.status.finished()) {
    // Nothing is decided for a finished job any more; its pods only lose their finalizers (the
    // work of upstream's orphan-pod worker) and the backoff state is no longer needed.
    for (const ControllerPod& p : pods) {
      if (!has_finalizer(p)) continue;
      if (base::Status st = pod_control_.remove_tracking_finalizer(job, p); !st.ok()) {
        note_error(s, st.error().context("removing tracking finalizer"));
      } else {
        expectations_.expect_finalizer_removal(uid, p.uid);
      }
    }
    result.backoff = BackoffRecord{};
    result.backoff_changed = backoff != BackoffRecord{};
    return result;
  }
  if (job.spec.completion_mode && *job.spec.completion_mode != "NonIndexed" &&
      *job.spec.completion_mode != "Indexed") {
    events_.record(job, kEventWarning, "UnknownCompletionMode",
                   "Skipped Job sync because completion mode is unknown");
    return result;
  }

  api::JobStatus& st = s.status();
  if (!st.uncounted_terminated_pods) st.uncounted_terminated_pods.emplace();
  s.indexed = is_indexed(job);
  s.per_index = has_backoff_limit_per_index(job);
  s.completions = job.spec.completions.value_or(0);
  s.satisfied = expectations_.satisfied(uid);
  s.uncounted_succeeded.insert(st.uncounted_terminated_pods->succeeded.begin(),
                               st.uncounted_terminated_pods->succeeded.end());
  s.uncounted_failed.insert(st.uncounted_terminated_pods->failed.begin(),
                            st.uncounted_terminated_pods->failed.end());

  std::vector<const ControllerPod*> new_succeeded;
  std::vector<const ControllerPod*> new_failed;
  for (const ControllerPod& p : pods) {
    if (is_active(p)) {
      s.active_pods.push_back(&p);
      if (p.ready) ++s.ready;
    }
    if (is_terminating(p)) ++s.terminating;
    // Pods without the finalizer are counted already; so are the ones recorded as uncounted.
    if (!has_finalizer(p) || (s.indexed && !s.valid_index(p))) continue;
    if (p.phase == PodPhase::succeeded && !s.uncounted_succeeded.count(p.uid)) {
      new_succeeded.push_back(&p);
    }
    if (is_pod_failed(p, job) && !s.uncounted_failed.count(p.uid)) new_failed.push_back(&p);
  }
  const auto& uncounted = *st.uncounted_terminated_pods;
  // Failures that match an Ignore rule of the podFailurePolicy are never counted (spec §4.13).
  const auto new_counted_failures = std::count_if(
      new_failed.begin(), new_failed.end(),
      [&](const ControllerPod* p) { return match_pod_failure_policy(job, *p).counts(); });
  s.succeeded =
      st.succeeded + static_cast<std::int32_t>(new_succeeded.size() + uncounted.succeeded.size());
  s.failed = st.failed + static_cast<std::int32_t>(new_counted_failures + uncounted.failed.size());

  const bool suspended = is_suspended(job);
  if (!st.start_time && !suspended) st.start_time = s.now;
  // Each index keeps its own backoff in its pods' annotations; the job-level record is unused
  // (and would count a failed pod kept for its index at every sync).
  s.new_backoff = s.per_index ? backoff : update_backoff_record(backoff, new_succeeded, new_failed);

  // Decision order of spec §4.5: earlier verdicts first, then failures, then successes.
  const std::int32_t backoff_limit =
      job.spec.backoff_limit.value_or(base::limits::kDefaultBackoffLimit);
  if (const api::JobCondition* c = st.true_condition(api::kConditionSuccessCriteriaMet)) {
    s.finished = *c;
  } else if (const api::JobCondition* t = st.true_condition(api::kConditionFailureTarget)) {
    s.finished = new_condition(api::kConditionFailed, kTrue, t->reason, t->message, s.now);
  } else if (auto message = fail_job_message(job, pods)) {
    s.finished = new_condition(api::kConditionFailureTarget, kTrue, kReasonPodFailurePolicy,
                               *message, s.now);
  }
  if (!s.finished) {
    const auto deadline = job.spec.active_deadline_seconds;
    if (s.failed > backoff_limit || past_backoff_limit_on_failure(job, pods, backoff_limit)) {
      s.finished =
          new_condition(api::kConditionFailureTarget, kTrue, api::kReasonBackoffLimitExceeded,
                        api::kMessageBackoffLimitExceeded, s.now);
    } else if (deadline && st.start_time && !suspended &&
               s.now - *st.start_time >= std::chrono::seconds(*deadline)) {
      s.finished = new_condition(api::kConditionFailureTarget, kTrue, api::kReasonDeadlineExceeded,
                                 api::kMessageDeadlineExceeded, s.now);
    } else if (deadline && st.start_time && !suspended) {
      requeue(s, std::chrono::seconds(*deadline) - (s.now - *st.start_time));
    }
  }
  if (s.indexed) {
    s.prev_succeeded_indexes = api::parse_indexes_lenient(st.completed_indexes, s.completions);
    std::vector<std::int32_t> done;
    for (const ControllerPod& p : pods) {
      if (p.phase == PodPhase::succeeded && p.has_tracking_finalizer && s.valid_index(p)) {
        done.push_back(completion_index(p));
      }
    }
    s.succeeded_indexes = s.prev_succeeded_indexes;
    s.succeeded_indexes.merge(api::IndexSet::from_indexes(std::move(done)));
    s.succeeded = static_cast<std::int32_t>(s.succeeded_indexes.count());
    if (s.per_index) decide_failed_indexes(s);
    if (!s.finished) {
      if (auto message = match_success_policy(job, s.succeeded_indexes)) {
        s.finished = new_condition(api::kConditionSuccessCriteriaMet, kTrue, kReasonSuccessPolicy,
                                   *message, s.now);
      }
    }
  }

  std::int32_t active = static_cast<std::int32_t>(s.active_pods.size());
  if (s.finished) {
    // The verdict is in: stop every active pod. Their finalizers stay, so they are counted
    // (as failed, when failing) before the final condition is written.
    std::int32_t deleted = 0;
    std::int32_t deleted_ready = 0;
    delete_pods(s, s.active_pods, /*remove_finalizer_first=*/false, deleted, deleted_ready);
    if (deleted != active || !s.satisfied) s.finished.reset();  // retry on a later sync
    active -= deleted;
    s.terminating += deleted;
    s.ready -= deleted_ready;
  } else {
    bool managed = false;
    if (s.satisfied && !job.metadata.deletion_timestamp) {
      active = manage_job(s);
      managed = true;
    }
    const bool complete = job.spec.completions ? s.succeeded >= s.completions && active == 0
                                               : s.succeeded > 0 && active == 0;
    if (complete) {
      s.finished =
          new_condition(api::kConditionSuccessCriteriaMet, kTrue, api::kReasonCompletionsReached,
                        api::kMessageCompletionsReached, s.now);
    } else if (managed && suspended) {
      if (ensure_condition(st.conditions, api::kConditionSuspended, kTrue, kReasonJobSuspended,
                           kMessageJobSuspended, s.now)) {
        events_.record(job, kEventNormal, "Suspended", kMessageJobSuspended);
        // Upstream >= 1.35 (KEP-5440): a suspended job has no startTime, so the deadline of the
        // resumed job is measured from the resume, not from the first start.
        st.start_time.reset();
      }
    } else if (managed) {
      if (ensure_condition(st.conditions, api::kConditionSuspended, kFalse, kReasonJobResumed,
                           kMessageJobResumed, s.now)) {
        events_.record(job, kEventNormal, "Resumed", kMessageJobResumed);
        // activeDeadlineSeconds counts continuous activity: the clock restarts on resume.
        st.start_time = s.now;
      }
    }
  }
  st.active = active;
  st.ready = s.ready;
  st.terminating = s.terminating;
  track_status(s);

  if (const auto expiry = expectations_.expiry(uid)) requeue(s, *expiry - s.now);
  if (result.error.ok()) {
    failed_syncs_.erase(uid);
  } else {
    const int failures = ++failed_syncs_[uid];
    requeue(s, pod_recreate_delay(failures, options_.error_retry_base, options_.error_retry_cap));
  }
  result.status_changed = !same_status(st, job.status);
  result.backoff = s.new_backoff;
  result.backoff_changed = s.new_backoff != backoff;
  return result;
}

std::int32_t JobController::manage_job(Sync& s) {
  const api::Job& job = s.job;
  std::int32_t active = static_cast<std::int32_t>(s.active_pods.size());
  std::int32_t removed = 0;
  std::int32_t removed_ready = 0;
  auto remove = [&](const std::vector<const ControllerPod*>& pods) {
    delete_pods(s, pods, /*remove_finalizer_first=*/true, removed, removed_ready);
    s.terminating += removed;
    s.ready -= removed_ready;
    return active - removed;
  };

  if (is_suspended(job)) {
    return remove(pods_for_removal(job, s.active_pods, s.active_pods.size()));
  }

  const std::int32_t parallelism = job.spec.parallelism.value_or(1);
  std::int32_t want_active = 0;
  if (!job.spec.completions) {
    // Work queue (spec §4.8): after the first success, leave running pods alone, add none.
    want_active = s.succeeded > 0 ? active : parallelism;
  } else {
    want_active = std::clamp(s.completions - s.succeeded, 0, std::max(parallelism, 0));
  }

  const std::size_t rm_at_least = static_cast<std::size_t>(std::max(active - want_active, 0));
  std::vector<const ControllerPod*> to_delete = pods_for_removal(job, s.active_pods, rm_at_least);
  if (to_delete.size() > options_.max_pod_create_delete_per_sync) {
    to_delete.resize(options_.max_pod_create_delete_per_sync);
  }
  // A sync either deletes or creates, never both; deletion first.
  if (!to_delete.empty()) return remove(to_delete);

  const std::int32_t terminating = only_replace_failed_pods(job) ? s.terminating : 0;
  std::int32_t diff = want_active - terminating - active;
  if (diff <= 0) return active;
  // With backoffLimitPerIndex each index waits on its own (create_pods), not on the job.
  const base::Duration wait = s.per_index
                                  ? base::Duration::zero()
                                  : remaining_backoff(s.new_backoff, options_.backoff, s.now);
  if (wait > base::Duration::zero()) {
    requeue(s, std::max(wait, options_.min_delayed_requeue));
    return active;
  }
  diff = std::min<std::int32_t>(diff,
                                static_cast<std::int32_t>(options_.max_pod_create_delete_per_sync));
  return active + create_pods(s, diff);
}

std::int32_t JobController::create_pods(Sync& s, std::int32_t diff) {
  const api::Job& job = s.job;
  std::vector<std::int32_t> indexes;
  if (s.indexed) {
    std::vector<std::int32_t> held;
    for (const ControllerPod* p : s.active_pods) {
      if (const std::int32_t ix = completion_index(*p); ix != kUnknownCompletionIndex) {
        held.push_back(ix);
      }
    }
    if (only_replace_failed_pods(job)) {
      for (const ControllerPod& p : s.pods) {
        const std::int32_t ix = completion_index(p);
        if (is_terminating(p) && ix != kUnknownCompletionIndex) held.push_back(ix);
      }
    }
    api::IndexSet taken = api::IndexSet::from_indexes(std::move(held));
    taken.merge(s.succeeded_indexes);
    if (s.per_index) taken.merge(s.failed_indexes);  // failed indexes are never retried
    indexes = first_pending_indexes(taken, static_cast<std::size_t>(diff), s.completions);
    if (s.per_index) indexes = indexes_past_their_backoff(s, std::move(indexes));
    diff = static_cast<std::int32_t>(indexes.size());
  }

  // Slow start: batches of 1, 2, 4, ... so that a create that fails (quota, bad template) fails
  // once, not `diff` times; after a failed batch the rest waits for the next sync.
  std::int32_t created = 0;
  std::size_t next_index = 0;
  for (std::int32_t batch = std::min(diff, 1); diff > 0; batch = std::min(2 * batch, diff)) {
    bool batch_failed = false;
    for (std::int32_t i = 0; i < batch; ++i) {
      std::optional<std::int32_t> index;
      if (s.indexed) index = indexes[next_index++];
      PodCreation creation = pod_creation_for(job, index);
      if (s.per_index) add_index_failure_counts(s, *index, creation);
      base::Result<CreatedPod> pod = pod_control_.create_pod(job, creation);
      if (!pod.ok()) {
        std::string message = "Error creating: ";
        message += pod.error().message();
        events_.record(job, kEventWarning, "FailedCreate", message);
        note_error(s, pod.error().context("creating pod"));
        batch_failed = true;
        continue;
      }
      ++created;
      expectations_.expect_creation(job.metadata.uid, pod->uid, s.now);
      std::string message = "Created pod: ";
      message += pod->name;
      events_.record(job, kEventNormal, "SuccessfulCreate", message);
    }
    diff -= batch;
    if (batch_failed) break;
  }
  return created;
}

void JobController::decide_failed_indexes(Sync& s) {
  const api::Job& job = s.job;
  const std::string& uid = job.metadata.uid;
  s.failed_indexes = failed_indexes(job, s.pods);
  if (!s.finished) {
    const std::int64_t failed = s.failed_indexes.count();
    if (job.spec.max_failed_indexes && failed > *job.spec.max_failed_indexes) {
      s.finished =
          new_condition(api::kConditionFailureTarget, kTrue, kReasonMaxFailedIndexesExceeded,
                        kMessageMaxFailedIndexesExceeded, s.now);
    } else if (failed > 0 && failed + s.succeeded_indexes.count() >= s.completions) {
      s.finished = new_condition(api::kConditionFailureTarget, kTrue, kReasonFailedIndexes,
                                 kMessageFailedIndexes, s.now);
    }
  }
  std::vector<const ControllerPod*> unaccounted;
  for (const ControllerPod& p : s.pods) {
    if (p.has_tracking_finalizer && !expectations_.finalizer_removal_pending(uid, p.uid) &&
        s.valid_index(p)) {
      unaccounted.push_back(&p);
    }
  }
  std::vector<std::int32_t> active;
  for (const ControllerPod* p : s.active_pods) active.push_back(completion_index(*p));
  s.last_failed_per_index =
      last_failed_pod_per_index(job, unaccounted, api::IndexSet::from_indexes(std::move(active)),
                                s.succeeded_indexes, s.failed_indexes);
}

const ControllerPod* JobController::Sync::last_failed(std::int32_t index) const {
  const auto it = last_failed_per_index.find(index);
  return it == last_failed_per_index.end() ? nullptr : it->second;
}

std::vector<std::int32_t> JobController::indexes_past_their_backoff(
    Sync& s, std::vector<std::int32_t> indexes) {
  std::optional<base::Duration> shortest_wait;
  std::erase_if(indexes, [&](std::int32_t ix) {
    const base::Duration wait = remaining_index_backoff(s.last_failed(ix), options_.backoff, s.now);
    if (wait <= base::Duration::zero()) return false;
    if (!shortest_wait || wait < *shortest_wait) shortest_wait = wait;
    return true;
  });
  if (indexes.empty() && shortest_wait) {
    requeue(s, std::max(*shortest_wait, options_.min_delayed_requeue));
  }
  return indexes;
}

void JobController::add_index_failure_counts(const Sync& s, std::int32_t index,
                                             PodCreation& creation) {
  const IndexFailureCounts counts = next_index_failure_counts(s.job, s.last_failed(index));
  creation.annotations[std::string(kJobIndexFailureCountKey)] = std::to_string(counts.failures);
  if (counts.ignored > 0) {
    creation.annotations[std::string(kJobIndexIgnoredFailureCountKey)] =
        std::to_string(counts.ignored);
  }
}

void JobController::delete_pods(Sync& s, const std::vector<const ControllerPod*>& pods,
                                bool remove_finalizer_first, std::int32_t& deleted,
                                std::int32_t& deleted_ready) {
  const std::string& uid = s.job.metadata.uid;
  for (const ControllerPod* p : pods) {
    if (remove_finalizer_first && p->has_tracking_finalizer &&
        !expectations_.finalizer_removal_pending(uid, p->uid)) {
      if (base::Status st = pod_control_.remove_tracking_finalizer(s.job, *p); !st.ok()) {
        note_error(s, st.error().context("removing completion finalizer"));
        continue;
      }
      expectations_.expect_finalizer_removal(uid, p->uid);
    }
    if (base::Status st = pod_control_.delete_pod(s.job, *p); !st.ok()) {
      std::string message = "Error deleting: ";
      message += st.error().message();
      events_.record(s.job, kEventWarning, "FailedDelete", message);
      note_error(s, st.error().context("deleting pod " + p->name));
      continue;
    }
    // Pods deleted to finish the job are not expected: the verdict waits for them anyway.
    if (remove_finalizer_first) expectations_.expect_deletion(uid, p->uid, s.now);
    std::string message = "Deleted pod: ";
    message += p->name;
    events_.record(s.job, kEventNormal, "SuccessfulDelete", message);
    ++deleted;
    if (p->ready) ++deleted_ready;
  }
}

void JobController::track_status(Sync& s) {
  const api::Job& job = s.job;
  const std::string& uid = job.metadata.uid;
  api::JobStatus& st = s.status();
  api::UncountedTerminatedPods& uncounted = *st.uncounted_terminated_pods;
  auto has_finalizer = [&](const ControllerPod& p) {
    return p.has_tracking_finalizer && !expectations_.finalizer_removal_pending(uid, p.uid);
  };

  std::unordered_set<std::string> with_finalizer;
  for (const ControllerPod& p : s.pods) {
    if (has_finalizer(p)) with_finalizer.insert(p.uid);
  }

  // Each terminated pod takes two syncs: this one records it (uncounted list or completed
  // index); the next one, reading the record back, removes the finalizer and counts it.
  const bool failing = s.finished && is_failure_condition(*s.finished);
  std::vector<const ControllerPod*> remove_now;
  std::vector<std::int32_t> new_indexes;
  bool reached_max_uncounted = false;
  std::size_t recorded = 0;
  // At most max_uncounted_pods new records per sync keep the status small (upstream: ~20 KB);
  // the rest wait for the next sync. Removals of already recorded pods are not limited.
  auto may_record = [&] {
    if (recorded >= options_.max_uncounted_pods) {
      reached_max_uncounted = true;
      return false;
    }
    ++recorded;
    s.second_step_pending = true;
    return true;
  };
  for (const ControllerPod& p : s.pods) {
    if (!has_finalizer(p)) continue;
    const bool considered_failed = is_pod_failed(p, job);
    const bool removable = job.metadata.deletion_timestamp || s.finished ||
                           p.phase == PodPhase::succeeded || considered_failed;
    if (!removable) continue;
    // The index's last failed pod stays until its replacement carries its counts on.
    if (s.per_index && considered_failed && !job.metadata.deletion_timestamp && !s.finished &&
        s.last_failed(completion_index(p)) == &p) {
      continue;
    }
    if (p.phase == PodPhase::succeeded && !s.uncounted_failed.count(p.uid)) {
      if (s.indexed) {
        const std::int32_t ix = completion_index(p);
        if (s.valid_index(p) && !s.prev_succeeded_indexes.contains(ix)) {
          if (may_record()) new_indexes.push_back(ix);
        } else {
          remove_now.push_back(&p);
        }
      } else if (s.uncounted_succeeded.count(p.uid)) {
        remove_now.push_back(&p);
      } else if (may_record()) {
        uncounted.succeeded.push_back(p.uid);
      }
    } else if (considered_failed || failing) {
      // When the job fails, every pod still running is counted as failed (spec §4.5 step 9).
      // A failure matching an Ignore rule is let go without ever being counted.
      if (s.uncounted_failed.count(p.uid)) {
        remove_now.push_back(&p);
      } else if ((!s.indexed || s.valid_index(p)) && match_pod_failure_policy(job, p).counts()) {
        if (may_record()) uncounted.failed.push_back(p.uid);
      } else {
        remove_now.push_back(&p);
      }
    } else {
      remove_now.push_back(&p);  // never counted: job deleted, or success-policy cleanup
    }
  }

  for (const ControllerPod* p : remove_now) {
    if (base::Status rm = pod_control_.remove_tracking_finalizer(job, *p); !rm.ok()) {
      note_error(s, rm.error().context("removing tracking finalizer"));
      continue;
    }
    expectations_.expect_finalizer_removal(uid, p->uid);
    with_finalizer.erase(p->uid);
  }
  // A recorded pod whose finalizer is gone (removed now, or before a crash) is counted.
  auto count_out = [&](std::vector<std::string>& list, std::int32_t& counter) {
    const auto before = list.size();
    std::erase_if(list, [&](const std::string& pod_uid) { return !with_finalizer.count(pod_uid); });
    counter += static_cast<std::int32_t>(before - list.size());
  };
  count_out(uncounted.succeeded, st.succeeded);
  count_out(uncounted.failed, st.failed);

  if (s.indexed) {
    s.succeeded_indexes.merge(api::IndexSet::from_indexes(std::move(new_indexes)));
    st.succeeded = static_cast<std::int32_t>(s.succeeded_indexes.count());
    st.completed_indexes = s.succeeded_indexes.to_string();
    if (s.per_index) {
      st.failed_indexes = s.failed_indexes.to_string();
    } else {
      st.failed_indexes.reset();
    }
  }

  // Two-step verdicts: the interim condition now, the final one once every pod has stopped
  // and been counted.
  if (s.finished && s.finished->type == api::kConditionFailureTarget) {
    st.conditions.push_back(*s.finished);
    s.finished =
        new_condition(api::kConditionFailed, kTrue, s.finished->reason, s.finished->message, s.now);
  }
  if (s.finished && s.finished->type == api::kConditionSuccessCriteriaMet) {
    if (!st.true_condition(api::kConditionSuccessCriteriaMet)) st.conditions.push_back(*s.finished);
    s.finished = new_condition(api::kConditionComplete, kTrue, s.finished->reason,
                               s.finished->message, s.now);
  }
  if (reached_max_uncounted || s.second_step_pending) requeue(s, base::Duration::zero());
  // Indexed successes are recorded in completedIndexes, not in the uncounted lists: wait for
  // their finalizers too, so a finished job has no pod left to account for.
  if (!s.finished || reached_max_uncounted || s.second_step_pending ||
      !uncounted.succeeded.empty() || !uncounted.failed.empty() || s.terminating > 0) {
    return;
  }
  const api::JobCondition& verdict = *s.finished;
  ensure_condition(st.conditions, verdict.type, kTrue, verdict.reason, verdict.message, s.now);
  if (verdict.type == api::kConditionComplete) {
    st.completion_time = verdict.last_transition_time;
    if (job.spec.completions && st.succeeded > *job.spec.completions) {
      events_.record(job, kEventWarning, "TooManySucceededPods",
                     "Too many succeeded pods running after completion count reached");
    }
    events_.record(job, kEventNormal, "Completed", "Job completed");
  } else {
    events_.record(job, kEventWarning, verdict.reason, verdict.message);
  }
}

}  // namespace agent
