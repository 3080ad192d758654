// agent/serial_job.hpp: the decisions of a Job whose pods run one at a time (parallelism <= 1,
// NonIndexed), as a pure state machine over (job, events, time).
//
// Contract: the caller starts a pod when next() says so and reports what happened; status()
// is then the Job status the upstream controller would publish (spec §4.4-4.11, §5, §6.1):
// counts, startTime/completionTime, and the two-step terminal conditions (FailureTarget then
// Failed, SuccessCriteriaMet then Complete) with upstream reasons and messages. No I/O here.
#pragma once

#include <optional>

#include "agent/backoff.hpp"
#include "api/job.hpp"

namespace agent {

class SerialJob {
 public:
  enum class Action {
    start_pod,          // create a new pod at `at`
    restart_container,  // restart the active pod's container in place at `at`
    wait_for_pod,       // the pod runs; nothing to do before `at` (the deadline) unless it exits
    fail_deadline,      // activeDeadlineSeconds passed: stop the active pod, then pod_exited()
    idle,               // nothing will happen before `at` (no pods wanted: parallelism 0)
    finished,           // Complete or Failed
  };
  struct Next {
    Action action;
    std::optional<base::TimePoint> at;  // nullopt: no time limit
  };

  // `job` must be defaulted and validated; startTime is set to `now`.
  SerialJob(api::Job job, base::TimePoint now);

  Next next(base::TimePoint now) const;

  void pod_started(base::TimePoint now);
  void container_restarted(base::TimePoint now);
  // The active pod's container ended with `exit_code` at `at`.
  void pod_exited(int exit_code, base::TimePoint at);
  // Records FailureTarget DeadlineExceeded; the active pod must then be stopped and reported
  // with pod_exited(), which completes the failure.
  void deadline_exceeded(base::TimePoint now);

  const api::Job& job() const { return job_; }
  const api::JobStatus& status() const { return job_.status; }
  int restart_count() const { return restart_count_; }

 private:
  bool on_failure_policy() const { return job_.spec.template_.spec.restart_policy == "OnFailure"; }
  std::optional<base::TimePoint> deadline() const;
  int wanted_active() const;
  void add_condition(std::string_view type, std::string_view reason, std::string_view message,
                     base::TimePoint now);
  void fail(std::string_view reason, std::string_view message, base::TimePoint now);
  void succeed_if_complete(base::TimePoint now);

  api::Job job_;
  int consecutive_failures_ = 0;
  std::optional<base::TimePoint> last_failure_;
  int restart_count_ = 0;
  ContainerBackoff container_backoff_;
  std::optional<base::TimePoint> restart_at_;  // set while a container restart is pending
};

}  // namespace agent
