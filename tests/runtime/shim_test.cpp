// Integration tests of the shim through its client API, with real shims (the batchlet binary)
// and real processes: start, logs, exit codes, start errors, stop with grace, orphans, rotation
// under load, and recovery after the starter is SIGKILLed.
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/file.hpp"
#include "runtime/cri_log.hpp"
#include "runtime/log_reader.hpp"
#include "runtime/proc_identity.hpp"
#include "runtime/shim_client.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using runtime::RecoveredContainer;

namespace {

runtime::StartRequest request(const TempDir& dir, std::vector<std::string> argv) {
  runtime::StartRequest r;
  r.state_dir = dir.path / "pods" / "uid-1" / "main";
  r.spec.id = "uid-1_main";
  r.spec.argv = std::move(argv);
  r.spec.env = {"PATH=/usr/bin:/bin"};
  r.spec.log_path = dir.path / "logs" / "default_pod_uid-1" / "main" / "0.log";
  r.shim_binary = BATCHLET_BINARY;
  return r;
}

// Stops and waits for a container at scope exit, so a failing test leaves no shim behind.
struct Cleanup {
  runtime::ContainerHandle* handle = nullptr;
  ~Cleanup() {
    if (handle == nullptr || !handle->shim_pidfd.valid()) return;
    (void)runtime::stop_container(*handle, 0s);
    (void)runtime::wait_container(*handle);
  }
};

std::string logs(const std::filesystem::path& log, runtime::LogReadOptions o = {}) {
  std::string out;
  auto s = runtime::read_logs(log, o, [&](std::string_view c) {
    out.append(c);
    return base::Status();
  });
  REQUIRE(s.ok());
  return out;
}

runtime::ExitStatus wait_exit(runtime::ContainerHandle& h) {
  auto exit = runtime::wait_container(h);
  REQUIRE(exit.ok());
  REQUIRE(exit->has_value());
  h.shim_pidfd.reset();
  return std::move(**exit);
}

}  // namespace

TEST_CASE("a container runs under its shim, its output and exit code are recorded",
          "[integration]") {
  TempDir dir;
  auto r = request(dir, {"sh", "-c", "echo out; echo err >&2; printf tail; exit 3"});
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  CHECK(h->container_pid > 0);
  CHECK(h->shim_pid != ::getpid());
  const auto exit = wait_exit(*h);
  CHECK(exit.exit.exit_code == 3);
  CHECK(exit.exit.signal == 0);
  REQUIRE(exit.started_at.has_value());
  CHECK(*exit.started_at <= exit.finished_at);
  CHECK(exit.start_error.empty());
  // Between the two streams, the order is the order the shim read them in, which it cannot
  // know when both were written before it read; within a stream, it is exact.
  runtime::LogReadOptions only_out;
  only_out.include_stderr = false;
  CHECK(logs(r.spec.log_path, only_out) == "out\ntail");
  runtime::LogReadOptions only_err;
  only_err.include_stdout = false;
  CHECK(logs(r.spec.log_path, only_err) == "err\n");
  CHECK(logs(r.spec.log_path).size() == 12);
}

TEST_CASE("a start failure comes back precisely and is recorded as exit code 128",
          "[integration]") {
  TempDir dir;
  auto r = request(dir, {"no-such-command-xyz"});
  auto h = runtime::start_container(r);
  REQUIRE_FALSE(h.ok());
  CHECK(h.error().message() == "exec: \"no-such-command-xyz\": executable file not found in $PATH");
  auto exit = runtime::read_exit_status(r.state_dir / "exit.json");
  REQUIRE(exit.ok());
  REQUIRE(exit->has_value());
  CHECK((*exit)->exit.exit_code == 128);
  CHECK((*exit)->start_error == h.error().message());
  CHECK_FALSE((*exit)->started_at.has_value());

  r.spec.argv = {"/bin/true"};
  r.spec.cwd = dir.path / "missing";
  auto bad_cwd = runtime::start_container(r);
  REQUIRE_FALSE(bad_cwd.ok());
  CHECK(bad_cwd.error().message() ==
        "chdir \"" + r.spec.cwd.string() + "\": No such file or directory");

  auto r2 = request(dir, {"/bin/true"});
  r2.shim_binary = dir.path / "no-batchlet";
  auto no_shim = runtime::start_container(r2);
  REQUIRE_FALSE(no_shim.ok());
  CHECK(no_shim.error().message() ==
        "exec shim " + r2.shim_binary.string() + ": No such file or directory");
}

TEST_CASE("stop sends SIGTERM and lets the container finish within the grace period",
          "[integration]") {
  TempDir dir;
  auto r = request(dir, {"sh", "-c",
                         "trap 'echo got TERM; exit 0' TERM; echo ready; "
                         "while true; do sleep 0.05; done"});
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  // Wait for the trap to be installed (the line is printed after it).
  while (logs(r.spec.log_path).empty()) ::usleep(10000);
  REQUIRE(runtime::stop_container(*h, 30s).ok());
  const auto exit = wait_exit(*h);
  CHECK(exit.exit.exit_code == 0);
  CHECK(exit.exit.signal == 0);
  CHECK(logs(r.spec.log_path) == "ready\ngot TERM\n");
}

TEST_CASE("a container that ignores SIGTERM is killed when the grace period ends",
          "[integration]") {
  TempDir dir;
  auto r = request(dir, {"sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"});
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  while (logs(r.spec.log_path).empty()) ::usleep(10000);
  REQUIRE(runtime::stop_container(*h, 300ms).ok());
  const auto exit = wait_exit(*h);
  CHECK(exit.exit.signal == SIGKILL);
  CHECK(exit.exit.code() == 137);
  // A restart in the same directory works once the shim is gone...
  auto restarted = runtime::start_container(r);
  REQUIRE(restarted.ok());
  Cleanup cleanup2{&*restarted};
  // ...and is refused while it runs.
  auto twice = runtime::start_container(r);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message() == "start container " + r.state_dir.string() + ": its shim (pid " +
                                       std::to_string(restarted->shim_pid) + ") is still running");
  REQUIRE(runtime::stop_container(*restarted, 0s).ok());
  CHECK(wait_exit(*restarted).exit.signal == SIGKILL);
  // After the shim is gone, a stop request says so.
  auto again = runtime::stop_container(*h, 0s);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message() ==
        "stop container " + r.state_dir.string() + ": its shim is not running");
}

TEST_CASE("processes the container left behind are killed and reaped by the shim",
          "[integration]") {
  TempDir dir;
  // The background sleep leaves the process group (setsid) and is orphaned when sh exits. The
  // container prints its pid namespace, so the host can look for anything left in it.
  auto r = request(dir, {"sh", "-c", "setsid sleep 30 & readlink /proc/self/ns/pid; exit 0"});
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  const auto exit = wait_exit(*h);
  CHECK(exit.exit.exit_code == 0);
  std::string pid_namespace = logs(r.spec.log_path);
  REQUIRE(pid_namespace.rfind("pid:[", 0) == 0);
  pid_namespace.pop_back();  // the newline
  // Reaped, not merely killed: no /proc entry on the host is left in the container's namespace.
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path() / "ns" / "pid", ec);
    if (!ec) CHECK(target.string() != pid_namespace);
  }
}

TEST_CASE("the log rotates under a fast writer and keeps the newest lines", "[integration]") {
  TempDir dir;
  auto r = request(dir, {"seq", "1", "200000"});
  r.options.log_rotation = {.max_bytes = 256 * 1024, .max_files = 3};
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  CHECK(wait_exit(*h).exit.success());
  auto files = runtime::rotated_log_files(r.spec.log_path);
  CHECK(files.size() == 2);
  files.push_back(r.spec.log_path);
  std::string all;
  for (const auto& f : files) {
    CHECK(std::filesystem::file_size(f) <= r.options.log_rotation.max_bytes);
    all += logs(f);
  }
  const int first = std::stoi(all);
  CHECK(first > 1);
  std::string expected;
  for (int i = first; i <= 200000; ++i) expected += std::to_string(i) + "\n";
  CHECK(all == expected);
}

TEST_CASE("the termination message comes from its file, or from the log on failure",
          "[integration]") {
  TempDir dir;
  // As the kubelet does: a host file bind-mounted at the container's terminationMessagePath.
  auto r =
      request(dir, {"sh", "-c", "echo last words; echo -n done > /dev/termination-log; exit 1"});
  TempDir visible("/var/tmp");  // the container's own /tmp hides the host's
  r.options.termination_message_file = visible.path / "termination-log";
  std::ofstream(r.options.termination_message_file).flush();  // the kubelet creates it empty
  runtime::MountSpec message_file;
  message_file.source = r.options.termination_message_file;
  message_file.destination = "/dev/termination-log";
  r.spec.mounts.push_back(message_file);
  auto h = runtime::start_container(r);
  if (!h.ok()) FAIL(h.error().message());
  Cleanup cleanup{&*h};
  CHECK(wait_exit(*h).message == "done");

  auto r2 = request(dir, {"sh", "-c", "echo last words; exit 1"});
  r2.state_dir = dir.path / "pods" / "uid-1" / "second";
  r2.spec.log_path = dir.path / "second.log";
  r2.options.fallback_to_logs_on_error = true;
  auto h2 = runtime::start_container(r2);
  REQUIRE(h2.ok());
  Cleanup cleanup2{&*h2};
  CHECK(wait_exit(*h2).message == "last words\n");
}

TEST_CASE(
    "a container outlives its starter's SIGKILL; a new process recovers it, sees it end "
    "and reads its exit code and full logs",
    "[integration]") {
  TempDir dir;
  auto r = request(dir, {"sh", "-c",
                         "i=1; while [ $i -le 15 ]; do echo line $i; i=$((i+1)); sleep 0.1; "
                         "done; echo bye >&2; exit 7"});
  auto ready = base::make_pipe();
  REQUIRE(ready.ok());
  const pid_t starter = ::fork();
  REQUIRE(starter >= 0);
  if (starter == 0) {
    // The "agent": starts the container, says so, and waits to be killed.
    auto h = runtime::start_container(r);
    const char verdict = h.ok() ? 'y' : 'n';
    (void)!::write(ready->write.get(), &verdict, 1);
    if (h.ok()) (void)h->shim_pidfd.release();  // no destructor work in the child
    while (true) ::pause();
  }
  ready->write.reset();
  char verdict = 0;
  REQUIRE(::read(ready->read.get(), &verdict, 1) == 1);
  ::kill(starter, SIGKILL);  // our own child, unreaped: its pid cannot have been recycled
  ::waitpid(starter, nullptr, 0);
  REQUIRE(verdict == 'y');

  auto recovered = runtime::recover_containers(dir.path / "pods");
  REQUIRE(recovered.ok());
  REQUIRE(recovered->size() == 1);
  RecoveredContainer& c = recovered->front();
  CHECK(c.state_dir == r.state_dir);
  REQUIRE(c.state == RecoveredContainer::State::running);
  REQUIRE(c.handle.has_value());
  Cleanup cleanup{&*c.handle};
  CHECK(c.handle->container_pid > 0);
  const auto exit = wait_exit(*c.handle);
  CHECK(exit.exit.exit_code == 7);
  std::string expected;
  for (int i = 1; i <= 15; ++i) expected += "line " + std::to_string(i) + "\n";
  expected += "bye\n";
  CHECK(logs(r.spec.log_path) == expected);

  // Recovering again now finds the recorded exit.
  auto again = runtime::recover_container(r.state_dir);
  REQUIRE(again.ok());
  CHECK(again->state == RecoveredContainer::State::exited);
  REQUIRE(again->exit.has_value());
  CHECK(again->exit->exit.exit_code == 7);
}

TEST_CASE("a container whose shim vanished without an exit status is reported lost",
          "[integration]") {
  TempDir dir;
  auto r = request(dir, {"sleep", "1000"});
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  // This test started the shim; killing it through its pidfd cannot hit another process.
  REQUIRE(::syscall(SYS_pidfd_send_signal, h->shim_pidfd.get(), SIGKILL, nullptr, 0) == 0);
  const auto shim_pid = h->shim_pid;
  auto lost = runtime::wait_container(*h);
  h->shim_pidfd.reset();
  REQUIRE_FALSE(lost.ok());
  const std::string reason = "container lost: its shim (pid " + std::to_string(shim_pid) +
                             ") exited without recording an exit status";
  CHECK(lost.error().message() == reason);
  auto recovered = runtime::recover_container(r.state_dir);
  REQUIRE(recovered.ok());
  CHECK(recovered->state == RecoveredContainer::State::lost);
  CHECK(recovered->lost_reason == reason);
}

TEST_CASE("SIGTERM to the shim stops the container with the spec's grace period", "[integration]") {
  TempDir dir;
  auto r = request(dir, {"sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"});
  r.spec.stop_grace_period = 200ms;
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  while (logs(r.spec.log_path).empty()) ::usleep(10000);
  // This test started the shim; its pidfd names exactly that process.
  REQUIRE(::syscall(SYS_pidfd_send_signal, h->shim_pidfd.get(), SIGTERM, nullptr, 0) == 0);
  const auto exit = wait_exit(*h);
  CHECK(exit.exit.signal == SIGKILL);
  // The shim had nothing to complain about.
  auto shim_log = base::read_file(r.state_dir / "shim.log");
  REQUIRE(shim_log.ok());
  CHECK(shim_log->empty());
}

TEST_CASE("following a running container's log ends with its last line when it exits",
          "[integration]") {
  TempDir dir;
  auto r = request(dir, {"sh", "-c", "for i in 1 2 3 4 5; do echo $i; sleep 0.05; done"});
  auto h = runtime::start_container(r);
  REQUIRE(h.ok());
  Cleanup cleanup{&*h};
  runtime::LogReadOptions o;
  o.follow = true;
  std::string seen;
  auto s = runtime::read_logs(
      r.spec.log_path, o,
      [&](std::string_view c) {
        seen.append(c);
        return base::Status();
      },
      {.cancel_fd = -1, .writer_done = [&] { return runtime::pidfd_exited(h->shim_pidfd.get()); }});
  REQUIRE(s.ok());
  CHECK(seen == "1\n2\n3\n4\n5\n");
  CHECK(wait_exit(*h).exit.success());
}
