// tests/cgroups/manager_machine_test.cpp: the cgroup manager on this machine's cgroup2 mount.
//
// Labels integration, cgroup2, root: creates, kills, freezes and removes cgroups under the
// cgroup2 mount (on the hybrid development machine, /sys/fs/cgroup/unified, which has no
// controllers), in a tree named batchlet-test-<pid> that TestTree removes even on failure.
// Nothing here writes to a v1 hierarchy: every path is reached from a cgroup2 directory fd.
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>

#include "base/file.hpp"
#include "cgroup_test_support.hpp"
#include "cgroups/stats.hpp"

using cgroups::Cgroup;
using cgroups::CgroupEvent;
using cgroups_test::has_event;
using cgroups_test::spawn_into;
using cgroups_test::TestTree;
using cgroups_test::wait_events;

namespace {

constexpr const char* kJob = "0f6b1c44-job";
constexpr const char* kPod = "9a1e2b3c-pod";

int sleep_forever() {
  while (true) ::pause();
}

std::string cgroup_of(pid_t pid) {
  base::Result<std::string> text = base::read_file("/proc/" + std::to_string(pid) + "/cgroup");
  REQUIRE(text.ok());
  base::Result<std::string> own = cgroups::parse_own_cgroup(*text);
  REQUIRE(own.ok());
  return *own;
}

}  // namespace

TEST_CASE("manager: tree layout, controllers and the degradation warning",
          "[integration][cgroup2][root]") {
  TestTree tree;
  const cgroups::Discovery& d = tree->discovery();
  INFO("cgroup2 at " << d.mount << ", mode " << cgroups::to_string(d.mode));
  CHECK(d.tree_mode == cgroups::TreeMode::standalone);
  CHECK(tree->tree().path().parent_path() ==
        (d.base == "/" ? d.mount : d.mount / d.base.substr(1)));
  CHECK(tree->degradation_message() == cgroups::degradation_message(d.missing));
  if (d.mode == cgroups::CgroupMode::hybrid && d.available.empty()) {
    // The development machine: cgroup2 without controllers.
    CHECK(tree->degradation_message() ==
          "resource limits not enforced: controllers cpu,memory,pids unavailable");
  }

  base::Result<Cgroup> agent = tree->agent_leaf();
  REQUIRE_OK(agent);
  CHECK(agent->relative() == tree->tree().relative() + "/agent");
  CHECK_FALSE(agent->owned());

  base::Result<Cgroup> job = tree->create_job(kJob);
  REQUIRE_OK(job);
  cgroups::Limits limits;
  limits.cpu_limit_millicores = 250;
  limits.memory_limit_bytes = 64 << 20;
  limits.pids_max = 32;
  base::Result<Cgroup> pod = tree->create_pod(*job, kPod, limits);
  REQUIRE_OK(pod);
  base::Result<Cgroup> container = tree->create_container(*pod, "main", limits);
  REQUIRE_OK(container);
  CHECK(container->relative() == tree->tree().relative() + "/" + kJob + "/" + kPod + "/main");
  CHECK(std::filesystem::is_directory(container->path()));
  CHECK(container->owned());
  // Limits are written exactly for the controllers that exist.
  const bool has_cpu =
      std::find(d.available.begin(), d.available.end(), "cpu") != d.available.end();
  CHECK(container->has_file("cpu.max") == has_cpu);
  if (has_cpu) {
    base::Result<std::string> cpu_max = container->read("cpu.max");
    REQUIRE_OK(cpu_max);
    CHECK(*cpu_max == "25000 100000\n");
  }

  // A second pod with the same uid is refused; names that could leave the tree too.
  base::Result<Cgroup> again = tree->create_pod(*job, kPod, limits);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message() ==
        "create cgroup " + (job->path() / kPod).string() + ": File exists");
  for (const char* bad : {"..", "a/b", "cpu.max", "", ".hidden"}) {
    base::Result<Cgroup> refused = job->make_child(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message().find("invalid name") != std::string::npos);
  }
  CHECK_FALSE(tree->create_job("agent").ok());
}

TEST_CASE("open_child opens systemd's dotted names but never leaves the directory",
          "[integration][cgroup2][root]") {
  TestTree tree;
  const std::filesystem::path dotted = tree->tree().path() / "system.slice";
  REQUIRE(::mkdir(dotted.c_str(), 0755) == 0);
  base::Result<Cgroup> opened = tree->tree().open_child("system.slice");
  CHECK(opened.ok());
  for (const char* bad : {"..", ".", "a/b", ""}) {
    base::Result<Cgroup> refused = tree->tree().open_child(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message().find("invalid name") != std::string::npos);
  }
  CHECK_FALSE(tree->tree().make_child("user@1000.service").ok());  // never made by us
  REQUIRE(::rmdir(dotted.c_str()) == 0);
}

TEST_CASE("open_root refuses a directory that is not on cgroup2", "[integration][cgroup2]") {
  base::Result<Cgroup> tmp = Cgroup::open_root("/tmp");
  REQUIRE_FALSE(tmp.ok());
  CHECK(tmp.error().message() == "/tmp is not on a cgroup2 file system");
  base::Result<Cgroup> relative = Cgroup::open_root("sys/fs/cgroup");
  REQUIRE_FALSE(relative.ok());
}

TEST_CASE("a process spawned into a container leaf, kill -> Emptied, stats",
          "[integration][cgroup2][root]") {
  TestTree tree;
  base::Result<Cgroup> job = tree->create_job(kJob);
  REQUIRE_OK(job);
  base::Result<Cgroup> pod = tree->create_pod(*job, kPod, {});
  REQUIRE_OK(pod);
  base::Result<Cgroup> container = tree->create_container(*pod, "main", {});
  REQUIRE_OK(container);
  base::Result<cgroups::EventWatcher> watcher = cgroups::EventWatcher::create();
  REQUIRE_OK(watcher);

  base::OwnedChild child = spawn_into(*container, sleep_forever);
  CHECK(cgroup_of(child.pid()) == container->relative());
  REQUIRE_OK(watcher->watch(*container, 7));
  CHECK_FALSE(watcher->watch(*container, 7).ok());  // key in use
  base::Result<bool> populated = container->populated();
  REQUIRE_OK(populated);
  CHECK(*populated);
  base::Result<std::vector<pid_t>> procs = container->procs();
  REQUIRE_OK(procs);
  CHECK(*procs == std::vector<pid_t>{child.pid()});
  base::Result<cgroups::Stats> stats = cgroups::read_stats(*container);
  REQUIRE_OK(stats);
  if (!container->has_file("pids.current")) CHECK_FALSE(stats->pids_current);

  // Nothing to report while the process runs.
  base::Result<std::vector<CgroupEvent>> none = watcher->drain();
  REQUIRE_OK(none);
  CHECK(none->empty());

  REQUIRE_OK(container->kill());
  base::Result<base::ProcessExit> exit = child.wait();
  REQUIRE_OK(exit);
  CHECK(exit->signal == SIGKILL);
  CHECK(exit->code() == 137);
  std::vector<CgroupEvent> events = wait_events(
      *watcher, [](const auto& e) { return has_event(e, 7, CgroupEvent::Kind::emptied); });
  REQUIRE(events.size() == 1);
  CHECK(events[0].key == 7);
  CHECK(events[0].kind == CgroupEvent::Kind::emptied);
  CHECK(watcher->watched() == 0);  // a watch ends with its Emptied
}

TEST_CASE("Emptied for a process that exited before watch()", "[integration][cgroup2][root]") {
  TestTree tree;
  base::Result<Cgroup> job = tree->create_job(kJob);
  REQUIRE_OK(job);
  base::Result<Cgroup> pod = tree->create_pod(*job, kPod, {});
  REQUIRE_OK(pod);
  base::Result<Cgroup> first = tree->create_container(*pod, "quick", {});
  REQUIRE_OK(first);
  base::Result<Cgroup> second = tree->create_container(*pod, "slow", {});
  REQUIRE_OK(second);
  base::Result<cgroups::EventWatcher> watcher = cgroups::EventWatcher::create();
  REQUIRE_OK(watcher);

  base::OwnedChild quick = spawn_into(*first, [] { return 3; });
  base::Result<base::ProcessExit> exit = quick.wait();
  REQUIRE_OK(exit);
  CHECK(exit->code() == 3);
  // Reaped is not yet released: the kernel clears `populated` a moment later (seen under load).
  REQUIRE_OK(first->wait_empty());
  base::OwnedChild slow = spawn_into(*second, sleep_forever);
  REQUIRE_OK(watcher->watch(*first, 1));
  REQUIRE_OK(watcher->watch(*second, 2));
  pollfd pfd{watcher->fd(), POLLIN, 0};
  CHECK(::poll(&pfd, 1, 0) == 1);  // readable at once: Emptied of "quick" is pending
  std::vector<CgroupEvent> events = wait_events(
      *watcher, [](const auto& e) { return has_event(e, 1, CgroupEvent::Kind::emptied); });
  REQUIRE(events.size() == 1);
  CHECK(events[0].key == 1);
  CHECK(watcher->watched() == 1);

  // unwatch: no event for "slow" even after it is killed.
  watcher->unwatch(2);
  REQUIRE_OK(second->kill());
  REQUIRE_OK(slow.wait());
  REQUIRE_OK(second->wait_empty());
  base::Result<std::vector<CgroupEvent>> after = watcher->drain();
  REQUIRE_OK(after);
  CHECK(after->empty());
}

TEST_CASE("freeze and thaw wait for cgroup.events, SIGKILL reaches a frozen cgroup",
          "[integration][cgroup2][root]") {
  TestTree tree;
  base::Result<Cgroup> job = tree->create_job(kJob);
  REQUIRE_OK(job);
  base::Result<Cgroup> pod = tree->create_pod(*job, kPod, {});
  REQUIRE_OK(pod);
  base::Result<Cgroup> container = tree->create_container(*pod, "main", {});
  REQUIRE_OK(container);
  base::OwnedChild child = spawn_into(*container, [] {
    volatile unsigned long spin = 0;
    while (true) spin = spin + 1;
    return 0;
  });

  // Freezing the pod freezes the container below it.
  REQUIRE_OK(pod->freeze());
  base::Result<bool> frozen = container->frozen();
  REQUIRE_OK(frozen);
  CHECK(*frozen);
  base::Result<std::optional<base::ProcessExit>> running = child.try_wait();
  REQUIRE_OK(running);
  CHECK_FALSE(running->has_value());
  REQUIRE_OK(pod->thaw());
  frozen = container->frozen();
  REQUIRE_OK(frozen);
  CHECK_FALSE(*frozen);

  REQUIRE_OK(pod->freeze());
  REQUIRE_OK(pod->kill());
  base::Result<base::ProcessExit> exit = child.wait();
  REQUIRE_OK(exit);
  CHECK(exit->signal == SIGKILL);
  REQUIRE_OK(pod->thaw());
}

TEST_CASE("kill_by_procs (the pre-5.14 path) kills a process tree",
          "[integration][cgroup2][root]") {
  TestTree tree;
  base::Result<Cgroup> job = tree->create_job(kJob);
  REQUIRE_OK(job);
  base::Result<Cgroup> pod = tree->create_pod(*job, kPod, {});
  REQUIRE_OK(pod);
  base::Result<Cgroup> container = tree->create_container(*pod, "main", {});
  REQUIRE_OK(container);
  base::Result<cgroups::EventWatcher> watcher = cgroups::EventWatcher::create();
  REQUIRE_OK(watcher);
  // The child starts grandchildren that outlive it (a daemonising job): only the cgroup
  // still knows them.
  base::OwnedChild child = spawn_into(*container, [] {
    for (int i = 0; i < 3; ++i) {
      if (::fork() == 0) {
        ::setsid();
        sleep_forever();
      }
    }
    return 0;
  });
  base::Result<base::ProcessExit> exit = child.wait();
  REQUIRE_OK(exit);
  REQUIRE_OK(watcher->watch(*container, 1));
  base::Result<std::vector<pid_t>> procs = container->procs();
  REQUIRE_OK(procs);
  CHECK(procs->size() == 3);

  REQUIRE_OK(pod->kill_by_procs());
  std::vector<CgroupEvent> events = wait_events(
      *watcher, [](const auto& e) { return has_event(e, 1, CgroupEvent::Kind::emptied); });
  CHECK(has_event(events, 1, CgroupEvent::Kind::emptied));
  base::Result<bool> populated = pod->populated();
  REQUIRE_OK(populated);
  CHECK_FALSE(*populated);
}

TEST_CASE("removal: owned handles clean up, destroy() removes a busy subtree leaf-first",
          "[integration][cgroup2][root]") {
  TestTree tree;
  base::Result<Cgroup> job = tree->create_job(kJob);
  REQUIRE_OK(job);
  std::filesystem::path leaf_path;
  {
    base::Result<Cgroup> pod = tree->create_pod(*job, "scoped", {});
    REQUIRE_OK(pod);
    base::Result<Cgroup> container = tree->create_container(*pod, "main", {});
    REQUIRE_OK(container);
    leaf_path = container->path();
    base::OwnedChild child = spawn_into(*container, sleep_forever);
    child = base::OwnedChild();  // killed and reaped; the cgroup empties
  }
  CHECK_FALSE(std::filesystem::exists(leaf_path));
  CHECK_FALSE(std::filesystem::exists(leaf_path.parent_path()));

  // Released handles leave their directories; destroy() on the job takes everything below,
  // with processes still running in two containers.
  base::Result<Cgroup> pod = tree->create_pod(*job, kPod, {});
  REQUIRE_OK(pod);
  pod->release();
  std::vector<base::OwnedChild> children;
  for (const char* name : {"a", "b"}) {
    base::Result<Cgroup> container = tree->create_container(*pod, name, {});
    REQUIRE_OK(container);
    container->release();
    children.push_back(spawn_into(*container, sleep_forever));
  }
  const std::filesystem::path job_path = job->path();
  REQUIRE_OK(job->destroy());
  CHECK_FALSE(job->valid());
  CHECK_FALSE(std::filesystem::exists(job_path));
  for (base::OwnedChild& child : children) {
    base::Result<base::ProcessExit> exit = child.wait();
    REQUIRE_OK(exit);
    CHECK(exit->signal == SIGKILL);
  }
}

TEST_CASE("recover reports known, unknown and stray cgroups, removes only when told",
          "[integration][cgroup2][root]") {
  TestTree tree;
  {
    base::Result<Cgroup> job = tree->create_job(kJob);
    REQUIRE_OK(job);
    job->release();
    for (const char* pod_uid : {"known-pod", "unknown-pod"}) {
      base::Result<Cgroup> pod = tree->create_pod(*job, pod_uid, {});
      REQUIRE_OK(pod);
      pod->release();
      base::Result<Cgroup> container = tree->create_container(*pod, "main", {});
      REQUIRE_OK(container);
      container->release();
      if (std::string(pod_uid) == "known-pod") {
        base::Result<Cgroup> stray = container->make_child("nested");
        REQUIRE_OK(stray);
        stray->release();
      }
    }
    base::Result<Cgroup> empty_job = tree->create_job("empty-job");
    REQUIRE_OK(empty_job);
    empty_job->release();
  }
  REQUIRE_OK(tree->agent_leaf());

  const std::set<std::string> known = {"known-pod"};
  base::Result<cgroups::RecoveryReport> report = tree->recover(known, false);
  REQUIRE_OK(report);
  const std::string root = tree->tree().relative();
  REQUIRE(report->known.size() == 1);
  CHECK(report->known[0].job_uid == kJob);
  CHECK(report->known[0].pod_uid == "known-pod");
  CHECK(report->known[0].containers == std::vector<std::string>{"main"});
  CHECK_FALSE(report->known[0].populated);
  REQUIRE(report->unknown.size() == 1);
  CHECK(report->unknown[0].pod_uid == "unknown-pod");
  CHECK(report->empty_jobs == std::vector<std::string>{"empty-job"});
  CHECK(report->strays == std::vector<std::string>{root + "/" + kJob + "/known-pod/main/nested"});
  CHECK(report->removed.empty());
  CHECK(std::filesystem::exists(tree->tree().path() / kJob / "unknown-pod"));

  base::Result<cgroups::RecoveryReport> cleaned = tree->recover(known, true);
  REQUIRE_OK(cleaned);
  CHECK(cleaned->removed ==
        std::vector<std::string>{root + "/" + kJob + "/unknown-pod", root + "/empty-job"});
  CHECK_FALSE(std::filesystem::exists(tree->tree().path() / kJob / "unknown-pod"));
  CHECK(std::filesystem::exists(tree->tree().path() / kJob / "known-pod" / "main"));
  CHECK(std::filesystem::exists(tree->tree().path() / "agent"));
}

TEST_CASE("enter_agent_leaf moves the calling process into <tree>/agent",
          "[integration][cgroup2][root]") {
  TestTree tree;
  base::Result<Cgroup> job = tree->create_job(kJob);
  REQUIRE_OK(job);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    base::Status entered = tree->enter_agent_leaf();
    ::_exit(entered.ok() ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // Moving a process in and letting it exit leaves the agent leaf empty and removable.
  base::Result<Cgroup> agent = tree->agent_leaf();
  REQUIRE_OK(agent);
  REQUIRE_OK(agent->wait_empty());
}

TEST_CASE("a delegated scope: its processes move to <tree>/agent before controllers are enabled",
          "[integration][cgroup2][root]") {
  base::Result<cgroups::Discovery> found = cgroups::discover();
  REQUIRE_OK(found);
  base::Result<Cgroup> root = Cgroup::open_root(found->mount, "/");
  REQUIRE_OK(root);
  // Stands in for the scope systemd starts with the keeper in it (owned: removed at the end).
  base::Result<Cgroup> scope =
      root->make_child("batchlet-scope-test-" + std::to_string(::getpid()));
  REQUIRE_OK(scope);
  base::OwnedChild keeper = spawn_into(*scope, sleep_forever);

  cgroups::ManagerOptions options;
  options.discover.delegated_scope = scope->relative();
  TestTree tree(options);
  CHECK(tree->discovery().tree_mode == cgroups::TreeMode::systemd_scope);
  CHECK(tree->discovery().base == scope->relative());
  CHECK(tree->tree().relative() ==
        scope->relative() + "/batchlet-test-" + std::to_string(::getpid()));
  CHECK(cgroup_of(keeper.pid()) == tree->tree().relative() + "/agent");
  base::Result<std::vector<pid_t>> left = scope->procs();
  REQUIRE_OK(left);
  CHECK(left->empty());

  // Opening again (the next agent) finds the keeper where it is.
  base::Result<cgroups::Manager> again = cgroups::Manager::open(
      {.discover = options.discover, .tree_name = tree->tree().path().filename().string()});
  REQUIRE_OK(again);
  CHECK(cgroup_of(keeper.pid()) == tree->tree().relative() + "/agent");
  tree.manager.reset();  // destroy below, before the scope
  REQUIRE_OK(again->tree().destroy());
}
