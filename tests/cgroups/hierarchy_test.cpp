// tests/cgroups/hierarchy_test.cpp: unit tests of cgroups/hierarchy.hpp on fixture text.
//
// The fixtures are real mountinfo and /proc/self/cgroup layouts (hybrid: the development
// machine; unified: a systemd host; legacy: a CentOS 7 host), so each mode is covered without
// depending on how the test machine itself is set up. Only read_controllers touches the disk,
// in a private temporary directory.
#include "cgroups/hierarchy.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using cgroups::CgroupMode;
using cgroups::CgroupMounts;
using cgroups::parse_mountinfo;
using cgroups::parse_own_cgroup;
using Strings = std::vector<std::string>;

// The mountinfo of the development machine: v1 controllers, each on its own hierarchy, plus
// cgroup2 at /sys/fs/cgroup/unified. /dev/pts and /dev/shm are each mounted twice (stacked).
constexpr const char* kHybrid =
    "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
    "22 26 0:21 / /sys rw,relatime - sysfs sysfs rw\n"
    "23 26 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334448k,nr_inodes=3083612,"
    "mode=755\n"
    "24 23 0:22 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683620k\n"
    "25 23 0:23 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000\n"
    "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,"
    "resgid=65534\n"
    "27 26 0:24 / /mnt/sandboxing/model_tools_env/v1/python ro,nosuid,nodev,relatime - tmpfs "
    "model_tools_unavailable ro,size=4k,mode=755\n"
    "28 25 0:25 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000\n"
    "29 24 0:26 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683620k\n"
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// A systemd host booted with cgroup2 only.
constexpr const char* kUnified =
    "22 29 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "23 29 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"
    "29 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n"
    "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

// A CentOS 7 host: v1 only, co-mounted cpu,cpuacct, and SELinux's "seclabel" among the super
// options, which is a mount flag and not a controller.
constexpr const char* kLegacy =
    "18 62 0:17 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw,seclabel\n"
    "25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:7 - tmpfs tmpfs "
    "ro,seclabel,mode=755\n"
    "26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:8 - cgroup "
    "cgroup rw,seclabel,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,"
    "name=systemd\n"
    "29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,seclabel,cpuacct,cpu\n"
    "30 25 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup "
    "cgroup rw,seclabel,memory\n"
    "31 25 0:28 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:13 - "
    "cgroup cgroup rw,seclabel,net_prio,net_cls\n";

CgroupMounts parse_ok(std::string_view text) {
  base::Result<CgroupMounts> mounts = parse_mountinfo(text);
  INFO((mounts.ok() ? std::string("ok") : mounts.error().message()));
  REQUIRE(mounts.ok());
  return std::move(mounts).value();
}

std::string parse_error(std::string_view text) {
  base::Result<CgroupMounts> mounts = parse_mountinfo(text);
  REQUIRE_FALSE(mounts.ok());
  return mounts.error().message();
}

}  // namespace

TEST_CASE("to_string names every mode", "[unit]") {
  CHECK(cgroups::to_string(CgroupMode::unified) == "unified");
  CHECK(cgroups::to_string(CgroupMode::hybrid) == "hybrid");
  CHECK(cgroups::to_string(CgroupMode::legacy) == "legacy");
  CHECK(cgroups::to_string(CgroupMode::none) == "none");
}

TEST_CASE("hybrid: v1 controllers plus cgroup2 at /sys/fs/cgroup/unified", "[unit]") {
  CgroupMounts mounts = parse_ok(kHybrid);
  CHECK(mounts.mode == CgroupMode::hybrid);
  CHECK(mounts.unified == "/sys/fs/cgroup/unified");
  REQUIRE(mounts.v1.size() == 9);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"cpu", "/sys/fs/cgroup/cpu"},
      {"cpuacct", "/sys/fs/cgroup/cpuacct"},
      {"cpuset", "/sys/fs/cgroup/cpuset"},
      {"memory", "/sys/fs/cgroup/memory"},
      {"devices", "/sys/fs/cgroup/devices"},
      {"freezer", "/sys/fs/cgroup/freezer"},
      {"blkio", "/sys/fs/cgroup/blkio"},
      {"pids", "/sys/fs/cgroup/pids"},
      {"name=systemd", "/sys/fs/cgroup/systemd"},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("v1 mount " << i);
    CHECK(mounts.v1[i].controllers == Strings{expected[i].first});
    CHECK(mounts.v1[i].mount_point == expected[i].second);
  }
}

TEST_CASE("unified: cgroup2 at /sys/fs/cgroup only", "[unit]") {
  CgroupMounts mounts = parse_ok(kUnified);
  CHECK(mounts.mode == CgroupMode::unified);
  CHECK(mounts.unified == "/sys/fs/cgroup");
  CHECK(mounts.v1.empty());
}

TEST_CASE("legacy: v1 only, co-mounted controllers, flags are not controllers", "[unit]") {
  CgroupMounts mounts = parse_ok(kLegacy);
  CHECK(mounts.mode == CgroupMode::legacy);
  CHECK(mounts.unified.empty());
  REQUIRE(mounts.v1.size() == 4);
  CHECK(mounts.v1[0].controllers == Strings{"name=systemd"});
  CHECK(mounts.v1[0].mount_point == "/sys/fs/cgroup/systemd");
  CHECK(mounts.v1[1].controllers == Strings{"cpuacct", "cpu"});
  CHECK(mounts.v1[1].mount_point == "/sys/fs/cgroup/cpu,cpuacct");
  CHECK(mounts.v1[2].controllers == Strings{"memory"});
  CHECK(mounts.v1[3].controllers == Strings{"net_prio", "net_cls"});
  CHECK(mounts.v1[3].mount_point == "/sys/fs/cgroup/net_cls,net_prio");
}

TEST_CASE("none: no cgroup mounts at all", "[unit]") {
  CgroupMounts mounts = parse_ok(
      "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
      "22 26 0:21 / /sys rw,relatime - sysfs sysfs rw\n");
  CHECK(mounts.mode == CgroupMode::none);
  CHECK(mounts.unified.empty());
  CHECK(mounts.v1.empty());

  CgroupMounts empty = parse_ok("");
  CHECK(empty.mode == CgroupMode::none);
  CHECK(empty.unified.empty());
  CHECK(empty.v1.empty());
}

TEST_CASE("a named-only v1 hierarchy is listed but is not a controller mount", "[unit]") {
  const std::string named =
      "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n";
  CgroupMounts with_cgroup2 =
      parse_ok(named + "40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  CHECK(with_cgroup2.mode == CgroupMode::unified);
  CHECK(with_cgroup2.unified == "/sys/fs/cgroup/unified");
  REQUIRE(with_cgroup2.v1.size() == 1);
  CHECK(with_cgroup2.v1[0].controllers == Strings{"name=systemd"});

  CgroupMounts alone = parse_ok(named);
  CHECK(alone.mode == CgroupMode::none);
  CHECK(alone.v1.size() == 1);
}

TEST_CASE("optional fields before the separator are skipped", "[unit]") {
  CgroupMounts mounts = parse_ok(
      "31 30 0:28 / /sys/fs/cgroup/pids rw,nosuid shared:5 master:1 - cgroup cgroup rw,pids\n"
      "32 30 0:29 / /sys/fs/cgroup/memory rw shared:7 master:2 propagate_from:3 unbindable - "
      "cgroup cgroup rw,memory\n"
      "40 30 0:37 / /sys/fs/cgroup/unified rw master:9 - cgroup2 cgroup2 rw,nsdelegate\n");
  CHECK(mounts.mode == CgroupMode::hybrid);
  CHECK(mounts.unified == "/sys/fs/cgroup/unified");
  REQUIRE(mounts.v1.size() == 2);
  CHECK(mounts.v1[0].controllers == Strings{"pids"});
  CHECK(mounts.v1[0].mount_point == "/sys/fs/cgroup/pids");
  CHECK(mounts.v1[1].controllers == Strings{"memory"});
  CHECK(mounts.v1[1].mount_point == "/sys/fs/cgroup/memory");
}

TEST_CASE("octal escapes in the mount point are decoded", "[unit]") {
  CgroupMounts mounts = parse_ok(
      "50 26 0:40 / /mnt/my\\040cg\\011tab\\012nl\\134bs rw - cgroup2 cgroup2 rw\n"
      "51 26 0:41 / /mnt/v1\\040memory rw - cgroup cgroup rw,memory\n");
  CHECK(mounts.mode == CgroupMode::hybrid);
  CHECK(mounts.unified.string() == "/mnt/my cg\ttab\nnl\\bs");
  REQUIRE(mounts.v1.size() == 1);
  CHECK(mounts.v1[0].mount_point.string() == "/mnt/v1 memory");
  CHECK(mounts.v1[0].controllers == Strings{"memory"});

  // A backslash that does not start a valid escape is kept literally.
  CgroupMounts odd = parse_ok("50 26 0:40 / /mnt/a\\9b\\04 rw - cgroup2 cgroup2 rw\n");
  CHECK(odd.unified.string() == "/mnt/a\\9b\\04");
}

TEST_CASE("cgroup2 mount preference: /sys/fs/cgroup, then /sys/fs/cgroup/unified, then first",
          "[unit]") {
  CgroupMounts all = parse_ok(
      "50 26 0:40 / /run/cg rw - cgroup2 cgroup2 rw\n"
      "51 26 0:41 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
      "52 26 0:42 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  CHECK(all.unified == "/sys/fs/cgroup");
  CHECK(all.mode == CgroupMode::unified);

  CgroupMounts no_root = parse_ok(
      "50 26 0:40 / /run/cg rw - cgroup2 cgroup2 rw\n"
      "51 26 0:41 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  CHECK(no_root.unified == "/sys/fs/cgroup/unified");

  CgroupMounts others = parse_ok(
      "50 26 0:40 / /run/cg rw - cgroup2 cgroup2 rw\n"
      "51 26 0:41 / /run/other rw - cgroup2 cgroup2 rw\n");
  CHECK(others.unified == "/run/cg");
}

TEST_CASE("mounts covered by a stacked mount are ignored", "[unit]") {
  // cgroup2 at /sys/fs/cgroup, then a tmpfs stacked on it (parent 30, same mount point) with
  // v1 hierarchies beneath: the cgroup2 mount is no longer reachable.
  CgroupMounts covered = parse_ok(
      "30 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
      "31 30 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
  CHECK(covered.mode == CgroupMode::legacy);
  CHECK(covered.unified.empty());
  REQUIRE(covered.v1.size() == 1);
  CHECK(covered.v1[0].mount_point == "/sys/fs/cgroup/memory");

  // Everything beneath a covered mount is unreachable too, whatever the line order.
  CgroupMounts beneath = parse_ok(
      "33 30 0:29 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
      "30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
      "31 30 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
      "32 30 0:30 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n");
  CHECK(beneath.mode == CgroupMode::none);
  CHECK(beneath.unified.empty());
  CHECK(beneath.v1.empty());

  // Several stacked mounts: only the topmost is reachable.
  CgroupMounts stack = parse_ok(
      "30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
      "31 30 0:28 / /sys/fs/cgroup rw - cgroup cgroup rw,memory\n"
      "32 31 0:29 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  CHECK(stack.mode == CgroupMode::unified);
  CHECK(stack.unified == "/sys/fs/cgroup");
  CHECK(stack.v1.empty());

  // A mount stacked on a mount beneath a covered one stays unreachable.
  CgroupMounts under_covered = parse_ok(
      "30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
      "31 30 0:28 / /sys/fs/cgroup/unified rw - tmpfs tmpfs rw\n"
      "32 31 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
      "33 30 0:30 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n");
  CHECK(under_covered.mode == CgroupMode::none);
  CHECK(under_covered.unified.empty());
}

TEST_CASE("malformed mountinfo lines are errors naming the line", "[unit]") {
  const std::string good = "21 26 0:20 / /proc rw,relatime - proc proc rw\n";
  CHECK(parse_error(good + good + "30 22 0:27 / /sys/fs/cgroup rw,relatime tmpfs tmpfs rw\n") ==
        "mountinfo line 3: no ' - ' separator");
  CHECK(parse_error("30 22 0:27 / rw - cgroup2 cgroup2 rw\n") ==
        "mountinfo line 1: expected at least 6 fields before ' - ', got 5");
  CHECK(parse_error(good + "30 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2\n") ==
        "mountinfo line 2: expected fs type, source and super options after ' - '");
  CHECK(parse_error("x 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n") ==
        "mountinfo line 1: bad mount ID 'x'");
  CHECK(parse_error("30 -1 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n") ==
        "mountinfo line 1: bad parent ID '-1'");
  // Blank lines are skipped but still counted, so the number matches an editor's.
  CHECK(parse_error(good + "\n" + "garbage\n") == "mountinfo line 3: no ' - ' separator");
}

TEST_CASE("own cgroup: the path of the 0:: line", "[unit]") {
  base::Result<std::string> root = parse_own_cgroup("0::/\n");
  REQUIRE(root.ok());
  CHECK(*root == "/");

  // The hybrid development machine: v1 lines first, the cgroup2 line last.
  base::Result<std::string> hybrid = parse_own_cgroup(
      "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
      "4:memory:/process_api/2eda58e78d4ff6667d8f20245cde0b09\n3:cpuset:/\n2:cpuacct:/\n"
      "1:cpu:/\n0::/\n");
  REQUIRE(hybrid.ok());
  CHECK(*hybrid == "/");

  base::Result<std::string> nested =
      parse_own_cgroup("0::/user.slice/user-1000.slice/session-2.scope\n");
  REQUIRE(nested.ok());
  CHECK(*nested == "/user.slice/user-1000.slice/session-2.scope");

  // Only the first two colons separate fields; the path may contain more.
  base::Result<std::string> colon = parse_own_cgroup("0::/a:b\n");
  REQUIRE(colon.ok());
  CHECK(*colon == "/a:b");
}

TEST_CASE("own cgroup: errors for v1-only and malformed files", "[unit]") {
  base::Result<std::string> v1_only = parse_own_cgroup(
      "11:cpuset:/\n10:memory:/user.slice\n2:cpu,cpuacct:/user.slice\n"
      "1:name=systemd:/user.slice/user-1000.slice/session-1.scope\n");
  REQUIRE_FALSE(v1_only.ok());
  CHECK(v1_only.error().message() == "no cgroup2 membership (no '0::<path>' line)");

  base::Result<std::string> empty = parse_own_cgroup("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message() == "no cgroup2 membership (no '0::<path>' line)");

  base::Result<std::string> malformed = parse_own_cgroup("1:cpu:/\ngarbage\n0::/\n");
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().message() ==
        "cgroup line 2: expected 'hierarchy-ID:controllers:path', got 'garbage'");

  base::Result<std::string> no_path = parse_own_cgroup("0::\n");
  REQUIRE_FALSE(no_path.ok());
  CHECK(no_path.error().message() == "cgroup line 1: empty cgroup2 path");
}

TEST_CASE("read_controllers and the file readers", "[unit]") {
  std::string pattern = (std::filesystem::temp_directory_path() / "cg_test_XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  const std::filesystem::path dir = pattern;
  auto write = [](const std::filesystem::path& file, std::string_view text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    REQUIRE(out.good());
  };

  write(dir / "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
  base::Result<Strings> full = cgroups::read_controllers(dir);
  REQUIRE(full.ok());
  CHECK(*full == Strings{"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"});

  write(dir / "cgroup.controllers", "");
  base::Result<Strings> none = cgroups::read_controllers(dir);
  REQUIRE(none.ok());
  CHECK(none->empty());

  write(dir / "cgroup.controllers", "\n");
  base::Result<Strings> newline_only = cgroups::read_controllers(dir);
  REQUIRE(newline_only.ok());
  CHECK(newline_only->empty());

  base::Result<Strings> missing = cgroups::read_controllers(dir / "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message() ==
        "read " + (dir / "nope" / "cgroup.controllers").string() + ": No such file or directory");

  write(dir / "mountinfo", kLegacy);
  base::Result<CgroupMounts> detected = cgroups::detect_cgroup_mounts(dir / "mountinfo");
  REQUIRE(detected.ok());
  CHECK(detected->mode == CgroupMode::legacy);

  write(dir / "mountinfo", "garbage\n");
  base::Result<CgroupMounts> bad = cgroups::detect_cgroup_mounts(dir / "mountinfo");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message() ==
        "parse " + (dir / "mountinfo").string() + ": mountinfo line 1: no ' - ' separator");

  write(dir / "cgroup", "1:cpu:/\n");
  base::Result<std::string> own = cgroups::own_cgroup(dir / "cgroup");
  REQUIRE_FALSE(own.ok());
  CHECK(own.error().message() ==
        "parse " + (dir / "cgroup").string() + ": no cgroup2 membership (no '0::<path>' line)");

  std::filesystem::remove_all(dir);
}
