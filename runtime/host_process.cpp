#include "runtime/host_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runtime {
namespace {

// What the child reports over the error pipe when a step fails: the step and its errno.
struct ChildFailure {
  int step;
  int err;
};
enum Step : int { kStepSetup = 0, kStepChdir = 1, kStepExec = 2, kStepStdio = 3 };

bool executable_file(const std::string& path) {
  std::error_code ec;
  return ::access(path.c_str(), X_OK) == 0 && !std::filesystem::is_directory(path, ec);
}

// In the forked child: tells the parent which step failed and why, then exits.
[[noreturn]] void report_and_exit(int error_fd, int step) {
  ChildFailure f{step, errno};
  (void)!::write(error_fd, &f, sizeof f);
  ::_exit(127);
}

// Runs in the forked child: only async-signal-safe calls until execve.
[[noreturn]] void exec_child(int error_fd, int out_fd, int err_fd, const char* cwd,
                             const char* file, char* const* argv, char* const* envp, pid_t parent) {
  auto fail = [error_fd](int step) { report_and_exit(error_fd, step); };
  if (::setpgid(0, 0) != 0) fail(kStepSetup);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(kStepSetup);
  if (::getppid() != parent) ::_exit(127);  // the parent died before PDEATHSIG was armed
  // Ignored signals stay ignored across exec; a workload must start with the defaults.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
    fail(kStepStdio);
  }
  if (::chdir(cwd) != 0) fail(kStepChdir);
  ::execve(file, argv, envp);
  report_and_exit(error_fd, kStepExec);
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& entry : env) {
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
        entry[name.size()] == '=') {
      return entry.substr(name.size() + 1);
    }
  }
  return {};
}

base::Result<std::string> resolve_executable(const std::string& name, std::string_view path_value) {
  if (name.find('/') != std::string::npos) return name;
  std::string_view rest = path_value.empty() ? kDefaultPath : path_value;
  while (true) {
    const auto colon = rest.find(':');
    std::string candidate(rest.substr(0, colon));
    if (candidate.empty()) candidate.push_back('.');  // an empty PATH entry means "."
    candidate.push_back('/');
    candidate.append(name);
    if (executable_file(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return base::Error("exec: \"" + name + "\": executable file not found in $PATH");
}

base::Result<HostProcess> spawn_host_process(const HostProcessSpec& spec) {
  if (spec.argv.empty()) return base::Error("spawn: no command given");
  auto file = resolve_executable(spec.argv.front(), env_value(spec.env, "PATH"));
  if (!file) return file.error();

  const bool given_fds = spec.stdout_fd >= 0 && spec.stderr_fd >= 0;
  auto out = given_fds ? base::Result<base::Pipe>(base::Pipe{}) : base::make_pipe();
  if (!out) return out.error().context("spawn: stdout");
  auto err = given_fds ? base::Result<base::Pipe>(base::Pipe{}) : base::make_pipe();
  if (!err) return err.error().context("spawn: stderr");
  const int child_out = given_fds ? spec.stdout_fd : out->write.get();
  const int child_err = given_fds ? spec.stderr_fd : err->write.get();
  auto report = base::make_pipe();
  if (!report) return report.error().context("spawn: error channel");

  // Everything the child touches is prepared before fork: after it only syscalls run.
  std::vector<char*> argv = c_strings(spec.argv);
  std::vector<char*> envp = c_strings(spec.env);
  const std::string cwd = spec.cwd.string();
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return base::Error::from_errno("fork", errno);
  if (pid == 0) {
    exec_child(report->write.get(), child_out, child_err, cwd.c_str(), file->c_str(), argv.data(),
               envp.data(), parent);
  }
  // Setting the group from both sides closes the race with an early signal_group().
  ::setpgid(pid, pid);
  auto child = base::OwnedChild::adopt(pid);
  if (!child) {
    ::kill(pid, SIGKILL);  // our own child, not yet reaped: the pid cannot be recycled
    return child.error();
  }
  report->write.reset();
  out->write.reset();
  err->write.reset();

  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(report->read.get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    (void)child->wait();
    switch (failure.step) {
      case kStepExec:
        return base::Error::from_errno("exec \"" + *file + "\"", failure.err);
      case kStepChdir:
        return base::Error::from_errno("chdir \"" + cwd + "\"", failure.err);
      case kStepStdio:
        return base::Error::from_errno("spawn: set up stdio", failure.err);
      default:
        return base::Error::from_errno("spawn: set up process group", failure.err);
    }
  }

  if (!given_fds) {
    if (auto s = base::set_nonblocking(out->read.get()); !s) return s.error();
    if (auto s = base::set_nonblocking(err->read.get()); !s) return s.error();
  }
  return HostProcess{std::move(*child), std::move(out->read), std::move(err->read)};
}

}  // namespace runtime
