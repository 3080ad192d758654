// tests/cgroups/hierarchy_machine_test.cpp: cgroup detection against the real machine.
//
// Needs a cgroup2 mount (labels integration, cgroup2): the machine must be in hybrid or unified
// mode. Read-only: it reads /proc/self/mountinfo, /proc/self/cgroup and cgroup.controllers.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "cgroups/hierarchy.hpp"

TEST_CASE("detect_cgroup_mounts finds this machine's cgroup2 mount", "[integration][cgroup2]") {
  base::Result<cgroups::CgroupMounts> mounts = cgroups::detect_cgroup_mounts();
  INFO((mounts.ok() ? std::string("ok") : mounts.error().message()));
  REQUIRE(mounts.ok());
  INFO("mode " << cgroups::to_string(mounts->mode) << ", cgroup2 at " << mounts->unified);
  CHECK((mounts->mode == cgroups::CgroupMode::hybrid ||
         mounts->mode == cgroups::CgroupMode::unified));
  REQUIRE_FALSE(mounts->unified.empty());
  CHECK(std::filesystem::is_directory(mounts->unified));

  base::Result<std::vector<std::string>> controllers = cgroups::read_controllers(mounts->unified);
  INFO((controllers.ok() ? std::string("ok") : controllers.error().message()));
  CHECK(controllers.ok());

  // With a cgroup2 mount, the kernel lists this process's cgroup2 membership as "0::<path>".
  base::Result<std::string> own = cgroups::own_cgroup();
  INFO((own.ok() ? std::string("ok") : own.error().message()));
  REQUIRE(own.ok());
  CHECK(own->starts_with("/"));
}
