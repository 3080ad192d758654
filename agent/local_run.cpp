#include "agent/local_run.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <optional>

#include "agent/host_container.hpp"
#include "agent/serial_job.hpp"
#include "api/names.hpp"

namespace agent {
namespace {

using std::chrono::seconds;

// The kubelet reports a container that could not start as exit code 128, reason StartError.
constexpr int kStartErrorExitCode = 128;

std::string seconds_text(base::Duration d) {
  return std::to_string(std::chrono::ceil<seconds>(d).count()) + "s";
}

// Blocks until `until` (forever if nullopt) or until cancel_fd is readable. True if cancelled.
base::Result<bool> wait_or_cancel(const base::Clock& clock, std::optional<base::TimePoint> until,
                                  int cancel_fd) {
  while (!until || clock.now() < *until) {
    pollfd pfd{cancel_fd, POLLIN, 0};
    int timeout = -1;
    if (until) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(base::remaining(clock, *until));
      timeout = static_cast<int>(std::min<std::int64_t>(left.count(), 60'000));
    }
    const int rc = ::poll(&pfd, cancel_fd >= 0 ? 1 : 0, timeout);
    if (rc < 0 && errno != EINTR) return base::Error::from_errno("poll", errno);
    if (rc > 0) return true;
  }
  return false;
}

class Runner {
 public:
  Runner(api::Job job, const base::Clock& clock, runtime::OutputSink& output,
         const ProgressFn& progress, int cancel_fd)
      : job_(std::move(job), clock.now()),
        clock_(clock),
        output_(output),
        progress_(progress),
        cancel_fd_(cancel_fd),
        rng_(api::seeded_engine()) {}

  base::Result<api::Job> run() {
    while (true) {
      const auto next = job_.next(clock_.now());
      switch (next.action) {
        case SerialJob::Action::finished:
          return job_.job();
        case SerialJob::Action::start_pod:
          pod_name_ = api::generate_name(job_.job().metadata.name + "-", rng_);
          job_.pod_started(clock_.now());
          progress_("pod/" + pod_name_ + " created");
          start_container();
          break;
        case SerialJob::Action::restart_container:
          job_.container_restarted(clock_.now());
          progress_("pod/" + pod_name_ + ": restarting container " + container().name +
                    " (restart " + std::to_string(job_.restart_count()) + ")");
          start_container();
          break;
        case SerialJob::Action::wait_for_pod:
        case SerialJob::Action::idle:
          if (auto s = wait(next.at); !s) return s.error();
          break;
        case SerialJob::Action::fail_deadline:
          if (auto s = stop_for_deadline(); !s) return s.error();
          break;
      }
    }
  }

 private:
  const api::Container& container() const {
    return job_.job().spec.template_.spec.containers.front();
  }

  base::Duration grace() const {
    return seconds(job_.job().spec.template_.spec.termination_grace_period_seconds.value_or(30));
  }

  void start_container() {
    auto spawned = runtime::spawn_host_process(host_process_spec(container()));
    if (!spawned) {
      progress_("pod/" + pod_name_ + ": container " + container().name +
                " terminated: StartError: " + spawned.error().message() + " (exit code 128)");
      job_.pod_exited(kStartErrorExitCode, clock_.now());
      return;
    }
    process_.emplace(std::move(*spawned));
    progress_("pod/" + pod_name_ + ": container " + container().name + " started");
  }

  void container_exited(const base::ProcessExit& exit) {
    process_.reset();
    std::string line = "pod/" + pod_name_ + ": container " + container().name +
                       " terminated: " + std::string(terminated_reason(exit.code(), false)) +
                       " (exit code " + std::to_string(exit.code());
    if (exit.signal != 0) line += ", signal " + std::to_string(exit.signal);
    progress_(line + ")");
    job_.pod_exited(exit.code(), clock_.now());
    describe_what_follows();
  }

  void describe_what_follows() {
    const auto next = job_.next(clock_.now());
    if (!next.at) return;
    const auto delay = seconds_text(*next.at - clock_.now());
    if (next.action == SerialJob::Action::wait_for_pod) {  // an in-place restart is pending
      progress_("pod/" + pod_name_ + ": back-off " + delay +
                " restarting failed container=" + container().name);
    } else if (next.action == SerialJob::Action::idle && job_.status().failed > 0) {
      progress_("job.batch/" + job_.job().metadata.name + ": back-off " + delay +
                " before creating the next pod (" + std::to_string(job_.status().failed) +
                " failed)");
    }
  }

  base::Status wait(std::optional<base::TimePoint> until) {
    if (!process_) {
      auto cancelled = wait_or_cancel(clock_, until, cancel_fd_);
      if (!cancelled) return cancelled.error();
      if (*cancelled) return base::Error("interrupted");
      return {};
    }
    auto waited = runtime::supervise(*process_, output_, clock_, until, cancel_fd_);
    if (!waited) return waited.error().context("pod/" + pod_name_);
    switch (waited->outcome) {
      case runtime::WaitOutcome::exited:
        container_exited(*waited->exit);
        return {};
      case runtime::WaitOutcome::deadline:
        return {};
      case runtime::WaitOutcome::cancelled: {
        progress_("pod/" + pod_name_ + ": interrupted; stopping container " + container().name);
        auto exit = runtime::terminate(*process_, output_, clock_, grace());
        process_.reset();
        if (!exit) return exit.error().context("pod/" + pod_name_);
        return base::Error("interrupted");
      }
    }
    return {};
  }

  base::Status stop_for_deadline() {
    job_.deadline_exceeded(clock_.now());
    progress_("job.batch/" + job_.job().metadata.name + ": " +
              std::string(api::kMessageDeadlineExceeded));
    if (job_.status().active == 0) return {};
    int code = 137;  // a pod waiting for an in-place restart has no process to stop
    if (process_) {
      progress_("pod/" + pod_name_ + ": stopping container " + container().name);
      auto exit = runtime::terminate(*process_, output_, clock_, grace());
      process_.reset();
      if (!exit) return exit.error().context("pod/" + pod_name_);
      code = exit->code();
    }
    job_.pod_exited(code, clock_.now());
    return {};
  }

  SerialJob job_;
  const base::Clock& clock_;
  runtime::OutputSink& output_;
  const ProgressFn& progress_;
  int cancel_fd_;
  std::mt19937_64 rng_;
  std::string pod_name_;
  std::optional<runtime::HostProcess> process_;
};

}  // namespace

std::string_view terminated_reason(int exit_code, bool start_error) {
  if (start_error) return "StartError";
  return exit_code == 0 ? "Completed" : "Error";
}

base::Result<api::Job> run_job_locally(api::Job job, const base::Clock& clock,
                                       runtime::OutputSink& output, const ProgressFn& progress,
                                       int cancel_fd) {
  return Runner(std::move(job), clock, output, progress, cancel_fd).run();
}

}  // namespace agent
