// tests/runtime/container_exec_test.cpp: commands run inside a running container (the exec
// probes' path): they see the container's filesystem, pid namespace and hostname, run with its
// identity, report their exit and output, and are killed at their timeout.
#include "runtime/container_exec.hpp"

#include <poll.h>
#include <signal.h>

#include <chrono>

#include "container_test_support.hpp"

namespace {

// A busybox container that keeps running: a tmpfs at /scratch holding a file it wrote.
struct RunningContainer {
  BusyboxRootfs rootfs;
  runtime::ContainerSpec spec;
  runtime::Container container;
  runtime::ContainerProcess target;

  RunningContainer() {
    spec = busybox_spec(rootfs, {"sh", "-c",
                                 "echo hi > /scratch/m; touch /scratch/ready; "
                                 "exec sleep 1000"});
    spec.env = {"PATH=/bin", "GREETING=hello"};
    spec.cwd = "/scratch";
    runtime::MountSpec scratch;
    scratch.kind = runtime::MountSpec::Kind::tmpfs;
    scratch.destination = "/scratch";
    spec.mounts.push_back(scratch);
    auto spawned = runtime::spawn_container(spec, {-1, 2, 2});
    if (!spawned.ok()) FAIL("spawn: " << spawned.error().error.message());
    container = std::move(spawned.value());
    target.pid = container.pid();
    target.pidfd.reset(::fcntl(container.pidfd(), F_DUPFD_CLOEXEC, 3));
    REQUIRE(target.pidfd.valid());
    wait_for("test -e /scratch/ready");
  }
  ~RunningContainer() { (void)container.stop(std::chrono::seconds(0)); }

  base::Result<runtime::ExecResult> exec(
      std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto process = runtime::start_exec(spec, target, {std::move(argv), timeout, 1024});
    if (!process.ok()) return process.error();
    pollfd pfd{process->pidfd(), POLLIN, 0};
    REQUIRE(::poll(&pfd, 1, 30000) == 1);
    return process->finish();
  }

  void wait_for(const std::string& condition) {
    for (int i = 0; i < 500; ++i) {
      auto r = exec({"sh", "-c", condition});
      if (r.ok() && r->exit.success()) return;
      ::usleep(10000);
    }
    FAIL("never true in the container: " << condition);
  }
};

// True when no child of this process has exited unreaped.
bool no_exited_child() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0;
}

}  // namespace

TEST_CASE("exec runs in the container's namespaces with its env, cwd and identity",
          "[integration][root]") {
  if (!running_as_root()) return;
  RunningContainer c;
  auto r = c.exec({"sh", "-c",
                   "cat m; cat /proc/1/comm; hostname; pwd; echo $GREETING; id -u; "
                   "test -e /proc/" +
                       std::to_string(::getpid()) + " && echo host-visible || echo hidden"});
  REQUIRE(r.ok());
  CHECK_FALSE(r->timed_out);
  CHECK(r->exit.success());
  CHECK(r->output == "hi\nsleep\nbox\n/scratch\nhello\n0\nhidden\n");
  CHECK(no_exited_child());  // the relay was reaped
}

TEST_CASE("exec as the container's user has its ids and no effective capabilities",
          "[integration][root]") {
  if (!running_as_root()) return;
  RunningContainer c;
  c.spec.uid = 1000;
  c.spec.gid = 1000;
  auto r = c.exec({"sh", "-c", "id -u; id -g; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status"});
  REQUIRE(r.ok());
  CHECK(r->output == "1000\n1000\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n");
}

TEST_CASE("exec reports the exit code and output, keeping only the first bytes",
          "[integration][root]") {
  if (!running_as_root()) return;
  RunningContainer c;
  auto r = c.exec({"sh", "-c", "echo out; echo err >&2; exit 3"});
  REQUIRE(r.ok());
  CHECK(r->exit.exit_code == 3);
  CHECK(r->output == "out\nerr\n");
  // 200 000 bytes: the command is never blocked by a full pipe; 1024 are kept.
  r = c.exec({"awk", "BEGIN { for (i = 0; i < 20000; i++) print \"123456789\" }"});
  REQUIRE(r.ok());
  CHECK(r->exit.success());
  CHECK(r->output.size() == 1024);
  r = c.exec({"sh", "-c", "kill -9 $$"});
  REQUIRE(r.ok());
  CHECK(r->exit.signal == SIGKILL);
}

TEST_CASE("exec of a missing program is runc's error", "[integration][root]") {
  if (!running_as_root()) return;
  RunningContainer c;
  auto r = c.exec({"nope"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message() == "exec: \"nope\": executable file not found in $PATH");
  r = c.exec({"/bin/plain/x"});
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::StartsWith("exec \"/bin/plain/x\": "));
}

TEST_CASE("exec past its timeout is killed with what it started", "[integration][root]") {
  if (!running_as_root()) return;
  RunningContainer c;
  const auto start = std::chrono::steady_clock::now();
  auto r = c.exec({"sh", "-c", "sleep 100 & sleep 100"}, std::chrono::milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(r.ok());
  CHECK(r->timed_out);
  CHECK(took < std::chrono::seconds(20));
  // Both sleeps are dead (the background one is a zombie of the container's init, which does
  // not reap): only init and this shell run in the container's pid namespace.
  auto ps = c.exec({"sh", "-c",
                    "for s in /proc/[0-9]*/stat; do read -r pid comm state rest < $s; "
                    "[ $state != Z ] && echo $comm; done"});
  REQUIRE(ps.ok());
  CHECK(ps->output == "(sleep)\n(sh)\n");
}

TEST_CASE("exec into a container that has exited is refused", "[integration][root]") {
  if (!running_as_root()) return;
  RunningContainer c;
  REQUIRE(c.container.stop(std::chrono::seconds(0)).ok());
  auto r = runtime::start_exec(c.spec, c.target, {{"true"}, std::chrono::seconds(1), 1024});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().sys_errno() == ESRCH);
}
