// tests/cli/cli_harness.hpp: run the real batchlet binary and capture what it prints.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "base/file.hpp"
#include "runtime/container_state.hpp"
#include "runtime/host_process.hpp"
#include "runtime/proc_identity.hpp"
#include "runtime/supervise.hpp"

namespace fs = std::filesystem;

namespace cli_test {

struct Output final : runtime::OutputSink {
  std::string out;
  std::string err;
  int exit_code = -1;
  void write(runtime::Stream stream, std::string_view data) override {
    (stream == runtime::Stream::out ? out : err).append(data);
  }
};

inline Output run(std::vector<std::string> argv) {
  runtime::HostProcessSpec spec;
  spec.argv = std::move(argv);
  // Progress lines are for terminals; the tests read them from a pipe.
  spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "BATCHLET_PROGRESS=always"};
  spec.cwd = BATCHLET_SOURCE_DIR;
  auto process = runtime::spawn_host_process(spec);
  REQUIRE(process.ok());
  Output output;
  base::RealClock clock;
  auto waited = runtime::supervise(*process, output, clock, std::nullopt, -1);
  REQUIRE(waited.ok());
  output.exit_code = waited->exit->code();
  return output;
}

// Kills what an agent on `state_dir` left running: the containers and shims its state
// directories record (pods/*/*/state.json), named by pidfds verified against their start
// times. An agent stopped with SIGTERM leaves its pods running for the next agent; a test that
// failed half-way has no next agent.
inline void kill_leftover_containers(const fs::path& state_dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(state_dir / "pods", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() != "state.json") continue;
    auto state = runtime::read_shim_state(it->path());
    if (!state.ok() || !*state) continue;
    for (const auto& [pid, ticks] :
         {std::pair((*state)->container_pid, (*state)->container_start_ticks),
          std::pair((*state)->shim_pid, (*state)->shim_start_ticks)}) {
      if (pid <= 0) continue;
      auto pidfd = runtime::open_verified_pidfd(pid, ticks);
      if (pidfd.ok()) ::syscall(SYS_pidfd_send_signal, pidfd->get(), SIGKILL, nullptr, 0);
    }
  }
}

inline Output batchlet_run(const std::string& file) {
  return run({BATCHLET_BINARY, "run", "-f", file});
}

// A temporary directory with files written into it; removed at the end of the test.
struct TempDir {
  fs::path path;
  // Under /var/tmp: containers on the host rootfs get a private /tmp, so volumes and state
  // directories under /tmp would not be visible to them.
  TempDir() {
    std::string tmpl = "/var/tmp/batchlet-cli-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

// The whole of `file`, or "" when it cannot be read (for failure messages).
inline std::string text_of(const fs::path& file) {
  auto text = base::read_file(file);
  return text.ok() ? *text : std::string();
}

// Starts `argv` with its stdout and stderr in `log_file`; the caller stops it.
inline runtime::HostProcess start_logged(std::vector<std::string> argv, const fs::path& log_file) {
  const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(log >= 0);
  runtime::HostProcessSpec spec;
  spec.argv = std::move(argv);
  spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin"};
  spec.stdout_fd = log;
  spec.stderr_fd = log;
  auto process = runtime::spawn_host_process(spec);
  ::close(log);
  REQUIRE(process.ok());
  return std::move(*process);
}

// Waits (10 s at most) for `file` to appear, e.g. the kubeconfig a starting agent writes once
// it listens.
inline bool wait_for_file(const fs::path& file) {
  for (int i = 0; i < 400 && !fs::exists(file); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return fs::exists(file);
}

// `batchlet serve` without cgroups, its state and run directories under `dir`, its output in
// dir/serve.log, quick pod event batches, and `flags`; returns once its kubeconfig is written
// (it listens then). The caller stops it (SIGTERM, wait()).
inline runtime::HostProcess start_logged_serve(const fs::path& dir,
                                               const std::vector<std::string>& flags = {}) {
  std::vector<std::string> argv = {BATCHLET_BINARY, "serve",
                                   "--state-dir",   (dir / "state").string(),
                                   "--run-dir",     (dir / "run").string(),
                                   "--listen",      "127.0.0.1:0",
                                   "--no-cgroups",  "--pod-event-batch",
                                   "0.05"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto process = start_logged(std::move(argv), dir / "serve.log");
  INFO(text_of(dir / "serve.log"));
  REQUIRE(wait_for_file(dir / "state" / "kubeconfig.yaml"));
  return process;
}

// What a shell command printed and its exit code.
struct Shell {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` with sh (stdin from the test's own unless it redirects it), its output
// captured through files in `dir`.
inline Shell shell(const TempDir& dir, const std::string& command) {
  const auto out = dir.path / "shell.out";
  const auto err = dir.path / "shell.err";
  const std::string line = "{ " + command + " ; } >" + out.string() + " 2>" + err.string();
  const int status = std::system(line.c_str());
  Shell result{WIFEXITED(status) ? WEXITSTATUS(status) : 128, text_of(out), text_of(err)};
  UNSCOPED_INFO(command << " -> " << result.exit_code << "\n" << result.out << result.err);
  return result;
}

// Lines of `text`, without the final newline.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace cli_test
