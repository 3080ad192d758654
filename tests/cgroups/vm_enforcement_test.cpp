// tests/cgroups/vm_enforcement_test.cpp: proof that the limits are enforced, in a pure cgroup2
// kernel with cpu, memory, pids and io (label vm).
//
// Runs only inside the qemu guest of tests/vm/run-vm.sh (CTest starts it through the harness,
// never on the host: the development machine's cgroup2 has no controllers). As root in the
// guest's root cgroup, it builds a batchlet tree like the agent will, starts processes straight
// into container leaves with clone3(CLONE_INTO_CGROUP), and watches them with EventWatcher.
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

#include "cgroup_test_support.hpp"
#include "cgroups/keyed_file.hpp"
#include "cgroups/stats.hpp"

using cgroups::Cgroup;
using cgroups::CgroupEvent;
using cgroups_test::has_event;
using cgroups_test::spawn_into;
using cgroups_test::TestTree;
using cgroups_test::wait_events;

namespace {

// A pod with one container "main" whose limits are `limits`; the pod gets pod_limits() of it,
// as the agent will do.
struct OnePod {
  explicit OnePod(TestTree& tree, const cgroups::Limits& limits) {
    base::Result<Cgroup> created_job = tree->create_job("job-uid");
    REQUIRE_OK(created_job);
    job = std::move(created_job).value();
    const std::vector<cgroups::Limits> containers = {limits};
    base::Result<Cgroup> created_pod =
        tree->create_pod(job, "pod-uid", cgroups::pod_limits(containers));
    REQUIRE_OK(created_pod);
    pod = std::move(created_pod).value();
    base::Result<Cgroup> created = tree->create_container(pod, "main", limits);
    REQUIRE_OK(created);
    container = std::move(created).value();
  }
  Cgroup job;
  Cgroup pod;
  Cgroup container;
};

std::string read_ok(const Cgroup& cgroup, std::string_view file) {
  base::Result<std::string> text = cgroup.read(file);
  REQUIRE_OK(text);
  return *text;
}

}  // namespace

TEST_CASE("vm: every controller is available, nothing is degraded", "[vm]") {
  TestTree tree;
  CHECK(tree->discovery().mode == cgroups::CgroupMode::unified);
  CHECK(tree->discovery().missing.empty());
  CHECK(tree->degradation_message().empty());
}

TEST_CASE("vm: memory 32Mi + allocating 100 MB ends OOMKilled with exit 137", "[vm]") {
  TestTree tree;
  cgroups::Limits limits;
  limits.memory_limit_bytes = 32LL << 20;  // resources.limits.memory: 32Mi
  OnePod pod(tree, limits);
  CHECK(read_ok(pod.container, "memory.max") == "33554432\n");
  CHECK(read_ok(pod.pod, "memory.max") == "33554432\n");
  if (pod.container.has_file("memory.swap.max")) {
    CHECK(read_ok(pod.container, "memory.swap.max") == "0\n");
  }
  base::Result<cgroups::EventWatcher> watcher = cgroups::EventWatcher::create();
  REQUIRE_OK(watcher);

  base::OwnedChild child = spawn_into(pod.container, [] {
    constexpr size_t kBytes = 100u << 20;
    void* memory =
        ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return 2;
    std::memset(memory, 0x5a, kBytes);  // touch every page
    return 0;                           // not reached under the limit
  });
  REQUIRE_OK(watcher->watch(pod.container, 1));
  base::Result<base::ProcessExit> exit = child.wait();
  REQUIRE_OK(exit);
  CHECK(exit->signal == SIGKILL);
  CHECK(exit->code() == 137);

  std::vector<CgroupEvent> events = wait_events(
      *watcher, [](const auto& e) { return has_event(e, 1, CgroupEvent::Kind::emptied); });
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == CgroupEvent::Kind::oom_killed);  // the reason comes first
  CHECK(events[0].count == 1);
  CHECK(events[1].kind == CgroupEvent::Kind::emptied);
  CHECK(cgroups::keyed_value(read_ok(pod.container, "memory.events"), "oom_kill") == 1u);

  base::Result<cgroups::Stats> stats = cgroups::read_stats(pod.container);
  REQUIRE_OK(stats);
  REQUIRE(stats->memory_peak_bytes);
  CHECK(*stats->memory_peak_bytes <= 32u << 20);
  CHECK(*stats->memory_peak_bytes > 16u << 20);
}

TEST_CASE("vm: pids.max stops a fork bomb", "[vm]") {
  TestTree tree;
  cgroups::Limits limits;
  limits.pids_max = 8;
  OnePod pod(tree, limits);
  CHECK(read_ok(pod.container, "pids.max") == "8\n");
  // The bomb forks until fork fails, and exits with the number of successful forks (the
  // children sleep), or 200 + errno if the failure was not EAGAIN.
  base::OwnedChild child = spawn_into(pod.container, [] {
    for (int forks = 0; forks < 100; ++forks) {
      pid_t pid = ::fork();
      if (pid == 0) {
        while (true) ::pause();
      }
      if (pid < 0) return errno == EAGAIN ? forks : 200 + errno;
    }
    return 100;
  });
  base::Result<base::ProcessExit> exit = child.wait();
  REQUIRE_OK(exit);
  INFO("forks before EAGAIN: " << exit->exit_code);
  CHECK(exit->signal == 0);
  CHECK(exit->exit_code == 7);  // 8 pids: the bomb itself and 7 children
  base::Result<cgroups::Stats> stats = cgroups::read_stats(pod.container);
  REQUIRE_OK(stats);
  CHECK(stats->pids_current == 7u);
  CHECK(cgroups::keyed_value(read_ok(pod.container, "pids.events"), "max") >= 1u);
  REQUIRE_OK(pod.container.kill());
  REQUIRE_OK(pod.container.wait_empty());
}

TEST_CASE("vm: cpu 100m holds a busy loop near 10%", "[vm]") {
  TestTree tree;
  cgroups::Limits limits;
  limits.cpu_limit_millicores = 100;
  limits.cpu_request_millicores = 100;
  OnePod pod(tree, limits);
  CHECK(read_ok(pod.container, "cpu.max") == "10000 100000\n");
  CHECK(read_ok(pod.container, "cpu.weight") == "4\n");
  base::OwnedChild child = spawn_into(pod.container, [] {
    volatile unsigned long spin = 0;
    while (true) spin = spin + 1;
    return 0;
  });
  // Over 30 periods (3 s): usage_usec / wall time is the share of one CPU the loop got.
  auto usage = [&] {
    base::Result<cgroups::Stats> stats = cgroups::read_stats(pod.container);
    REQUIRE_OK(stats);
    return stats->cpu_usage_usec;
  };
  auto now_usec = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
  };
  ::usleep(200000);  // past the first period, which starts with a full quota
  const std::uint64_t usage_start = usage();
  const double wall_start = now_usec();
  ::usleep(3000000);
  const std::uint64_t usage_end = usage();
  const double wall_end = now_usec();
  const double percent =
      100.0 * static_cast<double>(usage_end - usage_start) / (wall_end - wall_start);
  std::printf("vm: busy loop under cpu 100m: %.1f%% of one CPU over %.2f s\n", percent,
              (wall_end - wall_start) / 1e6);
  CHECK(percent >= 5.0);
  CHECK(percent <= 15.0);
  base::Result<std::string> cpu_stat = pod.container.read("cpu.stat");
  REQUIRE_OK(cpu_stat);
  CHECK(cgroups::keyed_value(*cpu_stat, "nr_throttled") > 0u);
}
