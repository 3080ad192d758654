// Integration tests of recover() on hand-made state directories and of process identity:
// a pid is trusted only with its recorded start time.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "runtime/proc_identity.hpp"
#include "runtime/shim_client.hpp"
#include "temp_dir.hpp"

using runtime::RecoveredContainer;

namespace {

std::filesystem::path container_dir(const TempDir& dir, const std::string& name) {
  auto d = dir.path / "pods" / "uid-9" / name;
  std::filesystem::create_directories(d);
  std::ofstream(d / "spec.json") << "{}";
  return d;
}

}  // namespace

TEST_CASE("start times come from /proc/<pid>/stat even with odd command names", "[integration]") {
  auto self = runtime::process_start_ticks(::getpid());
  REQUIRE(self.ok());
  auto ready = base::make_pipe();
  REQUIRE(ready.ok());
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::prctl(PR_SET_NAME, "x) (y z", 0, 0, 0);
    (void)!::write(ready->write.get(), "r", 1);
    ::pause();
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(ready->read.get(), &c, 1) == 1);
  auto ticks = runtime::process_start_ticks(child);
  ::kill(child, SIGKILL);  // our own unreaped child
  ::waitpid(child, nullptr, 0);
  REQUIRE(ticks.ok());
  CHECK(*ticks >= *self);
  auto gone = runtime::process_start_ticks(child);
  CHECK_FALSE(gone.ok());
}

TEST_CASE("recover() trusts a pid only with its recorded start time", "[integration]") {
  TempDir dir;
  const auto ticks = runtime::process_start_ticks(::getpid());
  REQUIRE(ticks.ok());
  const base::TimePoint now = std::chrono::system_clock::now();

  // This test process stands in for a live shim.
  const auto live = container_dir(dir, "live");
  REQUIRE(runtime::write_shim_state(live / "state.json", {::getpid(), *ticks, 0, 0, now}).ok());
  auto r = runtime::recover_container(live);
  REQUIRE(r.ok());
  CHECK(r->state == RecoveredContainer::State::running);
  REQUIRE(r->handle.has_value());
  CHECK(r->handle->shim_pid == ::getpid());
  CHECK_FALSE(runtime::pidfd_exited(r->handle->shim_pidfd.get()));

  // The same pid with another start time is a recycled pid: the shim is gone.
  const auto reused = container_dir(dir, "reused");
  REQUIRE(
      runtime::write_shim_state(reused / "state.json", {::getpid(), *ticks + 1, 0, 0, now}).ok());
  auto lost = runtime::recover_container(reused);
  REQUIRE(lost.ok());
  CHECK(lost->state == RecoveredContainer::State::lost);
  CHECK(lost->lost_reason == "container lost: its shim (pid " + std::to_string(::getpid()) +
                                 ") exited without recording an exit status");

  // No state at all: the shim never got going.
  const auto never = container_dir(dir, "never");
  // An exit status wins over everything else.
  const auto exited = container_dir(dir, "exited");
  runtime::ExitStatus e;
  e.exit.exit_code = 2;
  e.finished_at = now;
  REQUIRE(runtime::write_exit_status(exited / "exit.json", e).ok());
  // A corrupt state file is reported, not fatal to the scan.
  const auto corrupt = container_dir(dir, "corrupt");
  std::ofstream(corrupt / "state.json") << "{\"shim_pid\": ";

  auto all = runtime::recover_containers(dir.path / "pods");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 5);  // sorted by directory
  CHECK((*all)[0].state_dir == corrupt);
  CHECK((*all)[0].state == RecoveredContainer::State::lost);
  CHECK((*all)[0].lost_reason ==
        "parse " + (corrupt / "state.json").string() + ": not a JSON object");
  CHECK((*all)[1].state == RecoveredContainer::State::exited);
  CHECK((*all)[1].exit->exit.exit_code == 2);
  CHECK((*all)[2].state == RecoveredContainer::State::running);
  CHECK((*all)[3].state == RecoveredContainer::State::lost);
  CHECK((*all)[3].lost_reason == "container lost: its shim never recorded its state");
  CHECK((*all)[4].state == RecoveredContainer::State::lost);

  auto empty = runtime::recover_containers(dir.path / "no-pods");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}
