#include "cli/run_command.hpp"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "agent/agent.hpp"
#include "agent/backoff.hpp"
#include "agent/job_sync.hpp"
#include "agent/namespaces.hpp"
#include "agent/pod_writes.hpp"
#include "api/job_encode.hpp"
#include "base/unique_fd.hpp"
#include "cli/log_streamer.hpp"
#include "cli/manifest.hpp"
#include "cli/progress_mode.hpp"
#include "cli/run_progress.hpp"

namespace cli {
namespace {

// Write end of the self-pipe that turns SIGINT/SIGTERM/SIGHUP into a readable stop fd.
int g_signal_pipe = -1;

void on_signal(int) {
  const int saved = errno;
  const char byte = 1;
  (void)!::write(g_signal_pipe, &byte, 1);
  errno = saved;
}

// Writes everything to fd; gives up silently on a closed pipe (e.g. `| head`).
void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void print_line(std::string_view line) {
  std::string text(line);
  text += '\n';
  write_all(STDERR_FILENO, text);
}

std::string duration_text(base::Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03llds", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string final_status_line(const api::Job& job) {
  const api::JobStatus& st = job.status;
  const api::JobCondition* end = st.true_condition(api::kConditionComplete);
  if (end == nullptr) end = st.true_condition(api::kConditionFailed);
  std::string line = "job.batch/" + job.metadata.name + " ";
  if (end != nullptr) line += end->type + " (" + end->reason + ": " + end->message + ")";
  line += ": succeeded " + std::to_string(st.succeeded) + ", failed " + std::to_string(st.failed);
  if (st.start_time && end != nullptr) {
    line += ", duration " + duration_text(end->last_transition_time - *st.start_time);
  }
  return line;
}

// Signals become a readable fd for the agent's loop; restored on destruction.
class SignalPipe {
 public:
  base::Status open() {
    auto pipe = base::make_pipe();
    if (!pipe.ok()) return pipe.error();
    (void)base::set_nonblocking(pipe->write.get());
    read_ = std::move(pipe->read);
    write_ = std::move(pipe->write);
    g_signal_pipe = write_.get();
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
    // A closed stdout must not kill batchlet (and with it the pods' bookkeeping): EPIPE instead.
    ::signal(SIGPIPE, SIG_IGN);
    return {};
  }
  ~SignalPipe() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
    g_signal_pipe = -1;
  }
  int fd() const { return read_.get(); }

 private:
  base::UniqueFd read_;
  base::UniqueFd write_;
};

// The private state directory of a run without --state-dir, removed at the end.
class StateDir {
 public:
  base::Status open(const std::filesystem::path& requested) {
    if (!requested.empty()) {
      path_ = requested;
      return {};
    }
    // Not /tmp: containers on the host rootfs get a private /tmp, where binds from it would
    // not resolve.
    std::string pattern = "/var/tmp/batchlet-run.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return base::Error::from_errno("create a temporary state directory", errno);
    }
    path_ = pattern;
    temporary_ = true;
    return {};
  }
  ~StateDir() {
    if (!temporary_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  bool temporary() const { return temporary_; }

 private:
  std::filesystem::path path_;
  bool temporary_ = false;
};

bool pods_settled(const agent::Agent& agent, const std::vector<const agent::CachedPod*>& pods) {
  if (agent.active_pods() != 0) return false;
  for (const agent::CachedPod* pod : pods) {
    const api::ObjectMeta& meta = pod->pod.metadata;
    if (meta.deletion_timestamp) {
      // Being deleted: settled once the kubelet's part is done (it writes grace period 0 and
      // the object goes); what may keep it then are finalizers of others, never ours.
      if (meta.deletion_grace_period_seconds.value_or(-1) != 0) return false;
      continue;
    }
    const std::string& phase = pod->pod.status.phase;
    if (phase != api::kPodSucceeded && phase != api::kPodFailed) return false;
  }
  return true;
}

}  // namespace

int run_command(const RunOptions& options) {
  base::RealClock clock;
  auto loaded = load_job_manifest(options.file, clock.now());
  if (auto* errors = std::get_if<ManifestErrors>(&loaded)) {
    for (const auto& e : *errors) print_line("error: " + e);
    return kExitBadInput;
  }
  api::Job job = std::move(std::get<api::Job>(loaded));

  SignalPipe signals;
  StateDir state;
  for (auto status : {signals.open(), state.open(options.state_dir)}) {
    if (!status.ok()) {
      print_line("error: " + status.error().message());
      return kExitInternal;
    }
  }

  agent::AgentOptions agent_options;
  agent_options.paths = base::Paths(state.path(), state.path() / "run");
  agent_options.use_cgroups = ::geteuid() == 0;
  // One cgroup tree per run: recovery must never see another agent's pods as its own.
  agent_options.cgroup_tree = "batchlet-run-" + std::to_string(::getpid());
  auto opened = agent::Agent::open(agent_options, clock);
  if (!opened.ok()) {
    print_line("error: " + opened.error().message());
    return kExitInternal;
  }
  agent::Agent& agent = **opened;

  const api::ObjectKey key{agent::kJobsResource, job.metadata.namespace_, job.metadata.name};
  if (auto ns = agent::ensure_namespace(agent.store(), clock, key.name_space); !ns.ok()) {
    print_line("error: " + ns.error().message());
    return kExitInternal;
  }
  auto created = agent.store().create(key, job.metadata.uid, [&](api::ResourceVersion rv) {
    api::Job versioned = job;
    versioned.metadata.resource_version = std::to_string(rv);
    return api::encode_job(versioned).dump();
  });
  if (!created.ok()) {
    print_line("error: " + created.error().message());
    return kExitInternal;
  }
  if (created->outcome == api::WriteOutcome::already_exists) {
    print_line("error: jobs.batch \"" + job.metadata.name + "\" already exists in " +
               state.path().string());
    return kExitBadInput;
  }
  const std::string uid = job.metadata.uid;
  const bool show = !options.quiet && show_progress(options.progress);
  const auto progress = [&](std::string_view line) {
    if (show) print_line(line);
  };
  progress("job.batch/" + job.metadata.name + " created");

  RunProgress run_progress;
  std::optional<LogStreamer> logs;
  if (options.logs) logs.emplace(agent_options.paths);
  std::optional<api::Job> finished;
  const auto observe = [&]() -> bool {
    const agent::CachedJob* current = agent.informer().job(uid);
    if (current == nullptr) return true;
    const auto pods = agent.informer().pods_owned_by(uid);
    std::optional<base::Duration> backoff;
    const api::JobStatus& st = current->job.status;
    if (st.failed > 0 && st.active == 0 && !st.finished()) {
      if (auto side = agent.store().side_record(uid); side.ok() && side->has_value()) {
        if (auto record = agent::decode_backoff_record(**side)) {
          const auto& policy = agent_options.controller.backoff;
          if (agent::remaining_backoff(*record, policy, clock.now()) > base::Duration::zero()) {
            backoff = agent::pod_recreate_delay(record->failures_after_last_success, policy.base,
                                                policy.cap);
          }
        }
      }
    }
    for (const auto& line : run_progress.update(*current, pods, backoff)) progress(line);
    if (logs) logs->update(pods);
    if (st.finished() && pods_settled(agent, pods)) {
      finished = current->job;
      return true;
    }
    return false;
  };

  if (auto ran = agent.run(signals.fd(), observe); !ran.ok()) {
    print_line("error: " + ran.error().message());
    return kExitInternal;
  }
  bool interrupted = !finished;
  if (interrupted) {
    progress("job.batch/" + job.metadata.name + ": interrupted; stopping its pods");
    // The Job goes (its pods with it, each with its grace period): nothing it started survives.
    (void)agent.store().remove(key, {std::nullopt, uid}, [&](api::ResourceVersion) {
      return agent.store().get(key)->value().json;
    });
  }
  if (logs) logs->finish();

  if (finished) {
    print_line(final_status_line(*finished));
    if (options.output == "json") {
      auto stored = agent.store().get(key);
      if (stored.ok() && stored->has_value()) {
        write_all(STDOUT_FILENO, nlohmann::ordered_json::parse((*stored)->json).dump(4) + "\n");
      }
    }
  }

  if (state.temporary() || interrupted) {
    if (!interrupted) {
      (void)agent.store().remove(key, {std::nullopt, uid}, [&](api::ResourceVersion) {
        return agent.store().get(key)->value().json;
      });
    }
    // The garbage collector deletes the pods; the pod manager stops and cleans them up.
    auto cleaned = agent.run(-1, [&] {
      return agent.informer().pods_owned_by(uid).empty() && agent.active_pods() == 0;
    });
    if (!cleaned.ok()) print_line("error: clean up: " + cleaned.error().message());
  }
  // The run's own cgroup tree goes with it (every pod has ended; a later agent on a kept
  // --state-dir has a tree of its own).
  if (auto removed = agent.remove_cgroup_tree(); !removed.ok()) {
    print_line("error: clean up: " + removed.error().message());
  }
  if (interrupted) return kExitInterrupted;
  return finished->status.true_condition(api::kConditionComplete) != nullptr ? kExitComplete
                                                                             : kExitFailed;
}

}  // namespace cli
