#include "agent/serial_job.hpp"

#include <algorithm>

namespace agent {

SerialJob::SerialJob(api::Job job, base::TimePoint now) : job_(std::move(job)) {
  api::JobStatus& st = job_.status;
  st.start_time = now;
  // What the controller publishes from its first sync on (spec §4.3); pods run one at a time
  // and are never deleted while running, so nothing is ever left terminating or uncounted.
  st.ready = 0;
  st.terminating = 0;
  st.uncounted_terminated_pods.emplace();
  succeed_if_complete(now);  // completions: 0 completes on the first sync (spec §4.5)
}

std::optional<base::TimePoint> SerialJob::deadline() const {
  if (!job_.spec.active_deadline_seconds || !job_.status.start_time) return std::nullopt;
  return *job_.status.start_time + std::chrono::seconds(*job_.spec.active_deadline_seconds);
}

int SerialJob::wanted_active() const {
  const int parallelism = job_.spec.parallelism.value_or(1);
  const int succeeded = job_.status.succeeded;
  if (!job_.spec.completions) return succeeded == 0 ? parallelism : 0;  // work queue (§4.8)
  return std::max(0, std::min(*job_.spec.completions - succeeded, parallelism));
}

SerialJob::Next SerialJob::next(base::TimePoint now) const {
  if (job_.status.finished()) return {Action::finished, std::nullopt};
  const auto dl = deadline();
  if (dl && now >= *dl) return {Action::fail_deadline, std::nullopt};
  auto until = [&](std::optional<base::TimePoint> t) -> std::optional<base::TimePoint> {
    if (!t) return dl;
    if (!dl) return t;
    return std::min(*t, *dl);
  };
  if (job_.status.active > 0) {
    if (restart_at_ && now >= *restart_at_) return {Action::restart_container, std::nullopt};
    return {Action::wait_for_pod, until(restart_at_)};
  }
  if (wanted_active() <= 0) return {Action::idle, until(std::nullopt)};
  if (last_failure_) {
    const base::TimePoint ready = *last_failure_ + pod_recreate_delay(consecutive_failures_);
    if (now < ready) return {Action::idle, until(ready)};
  }
  return {Action::start_pod, std::nullopt};
}

void SerialJob::pod_started(base::TimePoint /*now*/) {
  job_.status.active = 1;
  job_.status.ready = 1;  // no readiness probe: Ready as soon as the container runs
  restart_count_ = 0;
  container_backoff_ = ContainerBackoff{};
  restart_at_.reset();
}

void SerialJob::container_restarted(base::TimePoint /*now*/) {
  ++restart_count_;
  restart_at_.reset();
  job_.status.ready = 1;
}

void SerialJob::pod_exited(int exit_code, base::TimePoint at) {
  api::JobStatus& st = job_.status;
  st.ready = 0;
  if (const auto* target = st.true_condition(api::kConditionFailureTarget)) {
    // The job is failing: its stopped pods count as failed whatever their exit (spec §4.5.9).
    st.active = 0;
    ++st.failed;
    add_condition(api::kConditionFailed, target->reason, target->message, at);
    return;
  }
  if (exit_code == 0) {
    st.active = 0;
    ++st.succeeded;
    consecutive_failures_ = 0;  // a success resets the recreation backoff (spec §5)
    last_failure_.reset();
    succeed_if_complete(at);
    return;
  }
  const int backoff_limit = job_.spec.backoff_limit.value_or(0);
  if (on_failure_policy()) {
    // The kubelet restarts the container in place; the controller fails the job once the
    // restart count reaches backoffLimit (> 0 when backoffLimit is 0), deleting the pod and
    // counting it as failed (spec §4.11).
    if (restart_count_ + 1 >= std::max(backoff_limit, 1)) {
      st.active = 0;
      ++st.failed;
      fail(api::kReasonBackoffLimitExceeded, api::kMessageBackoffLimitExceeded, at);
      return;
    }
    restart_at_ = at + container_backoff_.next(at);
    return;
  }
  st.active = 0;
  ++st.failed;
  ++consecutive_failures_;
  last_failure_ = at;
  if (st.failed > backoff_limit) {
    fail(api::kReasonBackoffLimitExceeded, api::kMessageBackoffLimitExceeded, at);
  }
}

void SerialJob::deadline_exceeded(base::TimePoint now) {
  add_condition(api::kConditionFailureTarget, api::kReasonDeadlineExceeded,
                api::kMessageDeadlineExceeded, now);
  if (job_.status.active == 0) {
    add_condition(api::kConditionFailed, api::kReasonDeadlineExceeded,
                  api::kMessageDeadlineExceeded, now);
  }
}

void SerialJob::add_condition(std::string_view type, std::string_view reason,
                              std::string_view message, base::TimePoint now) {
  api::JobCondition c;
  c.type = type;
  c.status = "True";
  c.reason = reason;
  c.message = message;
  c.last_probe_time = now;
  c.last_transition_time = now;
  job_.status.conditions.push_back(std::move(c));
}

void SerialJob::fail(std::string_view reason, std::string_view message, base::TimePoint now) {
  add_condition(api::kConditionFailureTarget, reason, message, now);
  add_condition(api::kConditionFailed, reason, message, now);
}

void SerialJob::succeed_if_complete(base::TimePoint now) {
  const api::JobStatus& st = job_.status;
  const bool complete =
      st.active == 0 &&
      (job_.spec.completions ? st.succeeded >= *job_.spec.completions : st.succeeded > 0);
  if (!complete) return;
  add_condition(api::kConditionSuccessCriteriaMet, api::kReasonCompletionsReached,
                api::kMessageCompletionsReached, now);
  add_condition(api::kConditionComplete, api::kReasonCompletionsReached,
                api::kMessageCompletionsReached, now);
  job_.status.completion_time = now;
}

}  // namespace agent
