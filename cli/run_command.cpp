#include "cli/run_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>

#include "agent/local_run.hpp"
#include "api/job_encode.hpp"
#include "base/unique_fd.hpp"
#include "cli/manifest.hpp"

namespace cli {
namespace {

// Write end of the self-pipe that turns SIGINT/SIGTERM/SIGHUP into a readable cancel fd.
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

class TerminalSink final : public runtime::OutputSink {
 public:
  void write(runtime::Stream stream, std::string_view data) override {
    write_all(stream == runtime::Stream::out ? STDOUT_FILENO : STDERR_FILENO, data);
  }
};

void print_line(std::string_view line) { write_all(STDERR_FILENO, std::string(line) + "\n"); }

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

}  // namespace

int run_command(const RunOptions& options) {
  base::RealClock clock;
  auto loaded = load_job_manifest(options.file, clock.now());
  if (auto* errors = std::get_if<ManifestErrors>(&loaded)) {
    for (const auto& e : *errors) print_line("error: " + e);
    return kExitBadInput;
  }
  api::Job job = std::move(std::get<api::Job>(loaded));

  auto pipe = base::make_pipe();
  if (!pipe) {
    print_line("error: " + pipe.error().message());
    return kExitInternal;
  }
  (void)base::set_nonblocking(pipe->write.get());
  g_signal_pipe = pipe->write.get();
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
  // A closed stdout must not kill batchlet (and with it the pod's bookkeeping): EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);

  const agent::ProgressFn progress = [&](std::string_view line) {
    if (!options.quiet) print_line(line);
  };
  progress("job.batch/" + job.metadata.name + " created");
  TerminalSink sink;
  auto finished = agent::run_job_locally(std::move(job), clock, sink, progress, pipe->read.get());

  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
  g_signal_pipe = -1;
  if (!finished) {
    print_line("error: " + finished.error().message());
    return finished.error().message() == "interrupted" ? kExitInterrupted : kExitInternal;
  }
  print_line(final_status_line(*finished));
  if (options.output == "json") write_all(STDOUT_FILENO, api::encode_job(*finished).dump(4) + "\n");
  return finished->status.true_condition(api::kConditionComplete) != nullptr ? kExitComplete
                                                                             : kExitFailed;
}

}  // namespace cli
