#include "agent/serial_job.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

using namespace std::chrono_literals;
using agent::SerialJob;
using Action = SerialJob::Action;

namespace {

api::Job job(std::string restart_policy, int backoff_limit) {
  api::Job j;
  j.metadata.name = "j";
  j.spec.parallelism = 1;
  j.spec.completions = 1;
  j.spec.backoff_limit = backoff_limit;
  j.spec.template_.spec.restart_policy = std::move(restart_policy);
  j.spec.template_.spec.containers.push_back(api::Container{});
  return j;
}

std::vector<std::string> condition_types(const api::JobStatus& st) {
  std::vector<std::string> out;
  for (const auto& c : st.conditions) out.push_back(c.type + "/" + c.reason);
  return out;
}

// Runs pods that exit with `codes` in turn, starting each as soon as the job allows; returns the
// times pods were started relative to t0.
std::vector<std::chrono::seconds> run_pods(SerialJob& sj, base::TimePoint t0,
                                           const std::vector<int>& codes) {
  std::vector<std::chrono::seconds> starts;
  base::TimePoint now = t0;
  for (int code : codes) {
    auto next = sj.next(now);
    if (next.action == Action::idle) {
      REQUIRE(next.at.has_value());
      now = *next.at;
      next = sj.next(now);
    }
    if (next.action != Action::start_pod) break;
    starts.push_back(std::chrono::duration_cast<std::chrono::seconds>(now - t0));
    sj.pod_started(now);
    now += 1s;
    sj.pod_exited(code, now);
  }
  return starts;
}

}  // namespace

TEST_CASE("one successful pod completes the job in two steps", "[unit]") {
  const base::TimePoint t0{};
  SerialJob sj(job("Never", 6), t0);
  REQUIRE(sj.next(t0).action == Action::start_pod);
  sj.pod_started(t0);
  CHECK(sj.status().active == 1);
  CHECK(sj.status().ready == 1);
  CHECK(sj.next(t0 + 1s).action == Action::wait_for_pod);
  sj.pod_exited(0, t0 + 2s);
  CHECK(sj.next(t0 + 2s).action == Action::finished);
  const auto& st = sj.status();
  CHECK(st.succeeded == 1);
  CHECK(st.failed == 0);
  CHECK(st.active == 0);
  CHECK(st.ready == 0);
  CHECK(condition_types(st) == std::vector<std::string>{"SuccessCriteriaMet/CompletionsReached",
                                                        "Complete/CompletionsReached"});
  CHECK(st.conditions[1].message == "Reached expected number of succeeded pods");
  CHECK(st.start_time == t0);
  CHECK(st.completion_time == t0 + 2s);
}

TEST_CASE("Never: backoffLimit 2 runs 3 pods 10 s and 20 s apart, then fails", "[unit]") {
  const base::TimePoint t0{};
  SerialJob sj(job("Never", 2), t0);
  const auto starts = run_pods(sj, t0, {1, 1, 1, 1});
  // pod1 0 s, fails at 1 s; pod2 at 1+10 s, fails at 12 s; pod3 at 12+20 s.
  CHECK(starts == std::vector<std::chrono::seconds>{0s, 11s, 32s});
  const auto& st = sj.status();
  CHECK(st.failed == 3);
  CHECK(condition_types(st) == std::vector<std::string>{"FailureTarget/BackoffLimitExceeded",
                                                        "Failed/BackoffLimitExceeded"});
  CHECK(st.conditions[1].message == "Job has reached the specified backoff limit");
  CHECK_FALSE(st.completion_time.has_value());
}

TEST_CASE("Never: backoffLimit 0 fails on the first failed pod", "[unit]") {
  const base::TimePoint t0{};
  SerialJob sj(job("Never", 0), t0);
  CHECK(run_pods(sj, t0, {3, 0}).size() == 1);
  CHECK(sj.status().failed == 1);
  CHECK(sj.next(t0 + 5s).action == Action::finished);
}

TEST_CASE("Never: the recreation backoff follows the 6-minute-capped schedule", "[unit]") {
  const base::TimePoint t0{};
  SerialJob sj(job("Never", 100), t0);
  const auto starts = run_pods(sj, t0, std::vector<int>(9, 1));
  std::vector<std::chrono::seconds> gaps;
  for (std::size_t i = 1; i < starts.size(); ++i) gaps.push_back(starts[i] - starts[i - 1] - 1s);
  CHECK(gaps == std::vector<std::chrono::seconds>{10s, 20s, 40s, 80s, 160s, 320s, 360s, 360s});
}

TEST_CASE("a success resets the recreation backoff", "[unit]") {
  const base::TimePoint t0{};
  auto j = job("Never", 10);
  j.spec.completions = 3;
  SerialJob sj(j, t0);
  const auto starts = run_pods(sj, t0, {1, 0, 1, 0, 0});
  // fail (wait 10 s), success (no wait), fail (wait 10 s again, not 20 s), success, success.
  CHECK(starts == std::vector<std::chrono::seconds>{0s, 11s, 12s, 23s, 24s});
  CHECK(sj.status().succeeded == 3);
  CHECK(sj.status().failed == 2);
  CHECK(sj.next(t0 + 1h).action == Action::finished);
}

TEST_CASE("OnFailure restarts in place and fails when restarts reach backoffLimit", "[unit]") {
  const base::TimePoint t0{};
  SerialJob sj(job("OnFailure", 3), t0);
  base::TimePoint now = t0;
  REQUIRE(sj.next(now).action == Action::start_pod);
  sj.pod_started(now);
  std::vector<std::chrono::seconds> restart_delays;
  while (true) {
    now += 1s;
    sj.pod_exited(1, now);
    const auto next = sj.next(now);
    if (next.action == Action::finished) break;
    REQUIRE(sj.status().active == 1);  // the pod stays; only its container restarts
    base::TimePoint restart_at = now;
    if (next.action == Action::wait_for_pod) restart_at = *next.at;
    restart_delays.push_back(std::chrono::duration_cast<std::chrono::seconds>(restart_at - now));
    now = restart_at;
    REQUIRE(sj.next(now).action == Action::restart_container);
    sj.container_restarted(now);
  }
  CHECK(restart_delays == std::vector<std::chrono::seconds>{0s, 10s});
  CHECK(sj.restart_count() == 2);
  CHECK(sj.status().failed == 1);
  CHECK(sj.status().active == 0);
  CHECK(condition_types(sj.status()).back() == "Failed/BackoffLimitExceeded");
}

TEST_CASE("OnFailure with backoffLimit 0 fails on the first container failure", "[unit]") {
  const base::TimePoint t0{};
  SerialJob sj(job("OnFailure", 0), t0);
  sj.pod_started(t0);
  sj.pod_exited(2, t0 + 1s);
  CHECK(sj.next(t0 + 1s).action == Action::finished);
  CHECK(sj.status().failed == 1);
}

TEST_CASE("OnFailure: a container that recovers completes the job", "[unit]") {
  const base::TimePoint t0{};
  SerialJob sj(job("OnFailure", 6), t0);
  sj.pod_started(t0);
  sj.pod_exited(1, t0 + 1s);
  REQUIRE(sj.next(t0 + 1s).action == Action::restart_container);
  sj.container_restarted(t0 + 1s);
  sj.pod_exited(0, t0 + 2s);
  CHECK(sj.status().succeeded == 1);
  CHECK(sj.status().failed == 0);
  CHECK(sj.restart_count() == 1);
  CHECK(sj.next(t0 + 2s).action == Action::finished);
}

TEST_CASE("activeDeadlineSeconds fails the job and counts the stopped pod", "[unit]") {
  const base::TimePoint t0{};
  auto j = job("Never", 6);
  j.spec.active_deadline_seconds = 5;
  SerialJob sj(j, t0);
  sj.pod_started(t0);
  const auto waiting = sj.next(t0 + 1s);
  CHECK(waiting.action == Action::wait_for_pod);
  CHECK(waiting.at == t0 + 5s);
  REQUIRE(sj.next(t0 + 5s).action == Action::fail_deadline);
  sj.deadline_exceeded(t0 + 5s);
  CHECK(condition_types(sj.status()) == std::vector<std::string>{"FailureTarget/DeadlineExceeded"});
  sj.pod_exited(0, t0 + 6s);  // even a clean exit on SIGTERM counts as failed
  CHECK(sj.status().failed == 1);
  CHECK(sj.status().succeeded == 0);
  CHECK(condition_types(sj.status()) ==
        std::vector<std::string>{"FailureTarget/DeadlineExceeded", "Failed/DeadlineExceeded"});
  CHECK(sj.status().conditions[1].message == "Job was active longer than specified deadline");
  CHECK(sj.status().conditions[1].last_transition_time == t0 + 6s);
}

TEST_CASE("the deadline also ends a job waiting in backoff", "[unit]") {
  const base::TimePoint t0{};
  auto j = job("Never", 6);
  j.spec.active_deadline_seconds = 3;
  SerialJob sj(j, t0);
  sj.pod_started(t0);
  sj.pod_exited(1, t0 + 1s);
  const auto next = sj.next(t0 + 1s);
  CHECK(next.action == Action::idle);
  CHECK(next.at == t0 + 3s);  // the deadline comes before the 10 s backoff ends
  REQUIRE(sj.next(t0 + 3s).action == Action::fail_deadline);
  sj.deadline_exceeded(t0 + 3s);
  CHECK(sj.next(t0 + 3s).action == Action::finished);
  CHECK(sj.status().failed == 1);
}

TEST_CASE("completions 0 completes at once, parallelism 0 never starts a pod", "[unit]") {
  const base::TimePoint t0{};
  auto zero = job("Never", 6);
  zero.spec.completions = 0;
  CHECK(SerialJob(zero, t0).next(t0).action == Action::finished);
  auto idle = job("Never", 6);
  idle.spec.parallelism = 0;
  const auto next = SerialJob(idle, t0).next(t0);
  CHECK(next.action == Action::idle);
  CHECK_FALSE(next.at.has_value());
}

TEST_CASE("a work-queue job (completions unset) completes on its first success", "[unit]") {
  const base::TimePoint t0{};
  auto j = job("Never", 6);
  j.spec.completions.reset();
  SerialJob sj(j, t0);
  CHECK(run_pods(sj, t0, {1, 0, 0}).size() == 2);
  CHECK(sj.status().succeeded == 1);
  CHECK(sj.next(t0 + 1h).action == Action::finished);
}
