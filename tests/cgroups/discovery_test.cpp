// tests/cgroups/discovery_test.cpp: where the tree goes, which controllers are usable, and the
// degradation message, for every host layout (pure: facts in, decision out).
#include "cgroups/discovery.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cgroups/keyed_file.hpp"

using cgroups::HostFacts;
using cgroups::TreeMode;
using Strings = std::vector<std::string>;

namespace {

HostFacts facts(cgroups::CgroupMode mode, std::string mount, std::string own) {
  HostFacts f;
  f.mounts.mode = mode;
  f.mounts.unified = std::move(mount);
  f.own_cgroup = std::move(own);
  return f;
}

cgroups::Discovery plan_ok(const HostFacts& f) {
  base::Result<cgroups::Discovery> d = cgroups::plan_tree(f);
  INFO((d.ok() ? std::string("ok") : d.error().message()));
  REQUIRE(d.ok());
  return std::move(d).value();
}

}  // namespace

TEST_CASE("hybrid host without controllers: standalone at the root, limits degraded", "[unit]") {
  HostFacts f = facts(cgroups::CgroupMode::hybrid, "/sys/fs/cgroup/unified", "/");
  cgroups::Discovery d = plan_ok(f);
  CHECK(d.tree_mode == TreeMode::standalone);
  CHECK(d.base == "/");
  CHECK(d.mount == "/sys/fs/cgroup/unified");
  CHECK(d.available.empty());
  CHECK(d.missing == Strings{"cpu", "memory", "pids", "io"});
  CHECK(cgroups::degradation_message(d.missing) ==
        "resource limits not enforced: controllers cpu,memory,pids unavailable");
  CHECK(d.notes == Strings{"io.weight not enforced: controller io unavailable"});
}

TEST_CASE("pure cgroup2 with every controller: nothing degraded", "[unit]") {
  HostFacts f = facts(cgroups::CgroupMode::unified, "/sys/fs/cgroup", "/");
  f.base_controllers = {"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"};
  cgroups::Discovery d = plan_ok(f);
  CHECK(d.available == Strings{"cpu", "memory", "pids", "io"});
  CHECK(d.missing.empty());
  CHECK(d.notes.empty());
  CHECK(cgroups::degradation_message(d.missing).empty());
}

TEST_CASE("degradation message names only the missing limit controllers", "[unit]") {
  CHECK(cgroups::degradation_message({"memory"}) ==
        "resource limits not enforced: controllers memory unavailable");
  CHECK(cgroups::degradation_message({"pids", "cpu"}) ==
        "resource limits not enforced: controllers cpu,pids unavailable");
  CHECK(cgroups::degradation_message({"io"}).empty());
  CHECK(cgroups::degradation_message({}).empty());
}

TEST_CASE("systemd with Delegate=yes: the tree goes in our own unit", "[unit]") {
  HostFacts f =
      facts(cgroups::CgroupMode::unified, "/sys/fs/cgroup", "/system.slice/batchlet.service");
  f.systemd_booted = true;
  f.own_cgroup_delegated = true;
  f.base_controllers = {"cpu", "memory", "pids"};
  cgroups::Discovery d = plan_ok(f);
  CHECK(d.tree_mode == TreeMode::systemd_delegated);
  CHECK(d.base == "/system.slice/batchlet.service");
  CHECK(d.missing == Strings{"io"});
  CHECK(cgroups::to_string(d.tree_mode) == "systemd-delegated");
}

TEST_CASE("a delegated scope for the pods wins over the unit and a parent", "[unit]") {
  HostFacts f =
      facts(cgroups::CgroupMode::unified, "/sys/fs/cgroup", "/system.slice/batchlet.service");
  f.systemd_booted = true;
  f.own_cgroup_delegated = true;
  f.configured_parent = "/hpc/jobs";
  f.delegated_scope = "/system.slice/batchlet-pods.scope";
  f.base_controllers = {"cpu", "memory", "pids", "io"};
  cgroups::Discovery d = plan_ok(f);
  CHECK(d.tree_mode == TreeMode::systemd_scope);
  CHECK(d.base == "/system.slice/batchlet-pods.scope");
  CHECK(cgroups::to_string(d.tree_mode) == "systemd-scope");
  CHECK(cgroups::is_delegated(d.tree_mode));
  CHECK_FALSE(cgroups::is_delegated(TreeMode::standalone));

  for (const char* bad : {"relative.scope", "/", "/a/../b.scope"}) {
    f.delegated_scope = bad;
    base::Result<cgroups::Discovery> refused = cgroups::plan_tree(f);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message() == "delegated scope cgroup '" + std::string(bad) +
                                           "' must be an absolute path below the cgroup2 root");
  }
}

TEST_CASE("systemd without delegation: standalone at the root, with a note", "[unit]") {
  HostFacts f =
      facts(cgroups::CgroupMode::unified, "/sys/fs/cgroup", "/system.slice/batchlet.service");
  f.systemd_booted = true;
  f.base_controllers = {"cpu", "memory", "pids", "io"};
  cgroups::Discovery d = plan_ok(f);
  CHECK(d.tree_mode == TreeMode::standalone);
  CHECK(d.base == "/");
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].find("without Delegate=yes") != std::string::npos);

  // A delegation marker outside systemd (or on a slice) means nothing.
  HostFacts slice = facts(cgroups::CgroupMode::unified, "/sys/fs/cgroup", "/user.slice");
  slice.systemd_booted = true;
  slice.own_cgroup_delegated = true;
  CHECK(plan_ok(slice).tree_mode == TreeMode::standalone);
  HostFacts no_systemd =
      facts(cgroups::CgroupMode::unified, "/sys/fs/cgroup", "/system.slice/x.service");
  no_systemd.own_cgroup_delegated = true;
  CHECK(plan_ok(no_systemd).base == "/");
}

TEST_CASE("a configured parent wins, bad parents and no cgroup2 are errors", "[unit]") {
  HostFacts f =
      facts(cgroups::CgroupMode::unified, "/sys/fs/cgroup", "/system.slice/batchlet.service");
  f.systemd_booted = true;
  f.own_cgroup_delegated = true;
  f.configured_parent = "/hpc/jobs/";
  cgroups::Discovery d = plan_ok(f);
  CHECK(d.tree_mode == TreeMode::standalone);
  CHECK(d.base == "/hpc/jobs");

  for (const char* bad : {"relative", "/a/../b", "/a//b", "/.."}) {
    f.configured_parent = bad;
    base::Result<cgroups::Discovery> refused = cgroups::plan_tree(f);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message() ==
          "cgroup parent '" + std::string(bad) +
              "' must be an absolute path inside the cgroup2 hierarchy");
  }

  HostFacts legacy = facts(cgroups::CgroupMode::legacy, "", "");
  base::Result<cgroups::Discovery> none = cgroups::plan_tree(legacy);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message() == "no cgroup2 mount (cgroup mode legacy); batchlet needs cgroup2");
}

TEST_CASE("flat keyed and single-value files", "[unit]") {
  const std::string events = "populated 1\nfrozen 0\n";
  CHECK(cgroups::keyed_value(events, "populated") == 1u);
  CHECK(cgroups::keyed_value(events, "frozen") == 0u);
  CHECK_FALSE(cgroups::keyed_value(events, "pop"));
  const std::string memory = "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n";
  CHECK(cgroups::keyed_value(memory, "oom_kill") == 1u);
  CHECK(cgroups::keyed_value(memory, "oom") == 1u);
  CHECK(cgroups::keyed_value(memory, "max") == 12u);
  CHECK_FALSE(cgroups::keyed_value("usage_usec x\n", "usage_usec"));
  CHECK_FALSE(cgroups::keyed_value("", "a"));
  CHECK(cgroups::single_value("4096\n") == 4096u);
  CHECK_FALSE(cgroups::single_value("max\n"));
  CHECK_FALSE(cgroups::single_value(""));
}
