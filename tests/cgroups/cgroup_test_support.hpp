// tests/cgroups/cgroup_test_support.hpp: helpers for the tests that use real cgroups (this
// machine's unified hierarchy, or the VM's): a child process started straight into a cgroup
// with clone3(CLONE_INTO_CGROUP), a manager whose tree is removed even when a test fails, and
// a bounded wait for watcher events.
#pragma once

#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "base/owned_child.hpp"
#include "cgroups/events.hpp"
#include "cgroups/manager.hpp"

namespace cgroups_test {

// Runs `body` in a new process placed into `cgroup` from its first instruction; the child
// leads its own process group and exits with body's return value.
inline base::OwnedChild spawn_into(const cgroups::Cgroup& cgroup,
                                   const std::function<int()>& body) {
  clone_args args{};
  args.flags = CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<std::uint64_t>(cgroup.dir_fd());
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    ::setpgid(0, 0);
    ::_exit(body());
  }
  INFO("clone3 into " << cgroup.path() << ": " << std::strerror(errno));
  REQUIRE(pid > 0);
  // Both sides set the group, so it exists before anyone signals it (the classic shell race).
  ::setpgid(static_cast<pid_t>(pid), static_cast<pid_t>(pid));
  base::Result<base::OwnedChild> child = base::OwnedChild::adopt(static_cast<pid_t>(pid));
  REQUIRE(child.ok());
  return std::move(child).value();
}

// A Manager on a tree of its own ("batchlet-test-<pid>"), so tests never meet a real agent's
// tree or each other's; the tree is destroyed (processes killed, directories removed) when the
// guard goes, whatever the test's outcome.
struct TestTree {
  explicit TestTree(cgroups::ManagerOptions options = {}) {
    options.tree_name = "batchlet-test-" + std::to_string(::getpid());
    base::Result<cgroups::Manager> opened = cgroups::Manager::open(options);
    INFO((opened.ok() ? std::string("ok") : opened.error().message()));
    REQUIRE(opened.ok());
    manager.emplace(std::move(opened).value());
  }
  ~TestTree() {
    if (!manager) return;
    base::Status destroyed = manager->tree().destroy();
    if (!destroyed.ok()) std::fprintf(stderr, "cleanup: %s\n", destroyed.error().message().c_str());
  }
  cgroups::Manager& operator*() { return *manager; }
  cgroups::Manager* operator->() { return &*manager; }

  std::optional<cgroups::Manager> manager;
};

// Drains `watcher` until `until` holds for the events collected so far, polling its fd for at
// most `limit` (a bound against hanging, not a timing assertion).
inline std::vector<cgroups::CgroupEvent> wait_events(
    cgroups::EventWatcher& watcher,
    const std::function<bool(const std::vector<cgroups::CgroupEvent>&)>& until,
    std::chrono::seconds limit = std::chrono::seconds(20)) {
  std::vector<cgroups::CgroupEvent> events;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!until(events) && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{watcher.fd(), POLLIN, 0};
    ::poll(&pfd, 1, 100);
    base::Result<std::vector<cgroups::CgroupEvent>> drained = watcher.drain();
    INFO((drained.ok() ? std::string("ok") : drained.error().message()));
    REQUIRE(drained.ok());
    events.insert(events.end(), drained->begin(), drained->end());
  }
  return events;
}

inline bool has_event(const std::vector<cgroups::CgroupEvent>& events, std::uint64_t key,
                      cgroups::CgroupEvent::Kind kind) {
  for (const cgroups::CgroupEvent& e : events) {
    if (e.key == key && e.kind == kind) return true;
  }
  return false;
}

#define REQUIRE_OK(expr)                                                                   \
  do {                                                                                     \
    auto&& result_ = (expr);                                                               \
    INFO(#expr << ": " << (result_.ok() ? std::string("ok") : result_.error().message())); \
    REQUIRE(result_.ok());                                                                 \
  } while (0)

}  // namespace cgroups_test
