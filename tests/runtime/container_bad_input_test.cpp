// tests/runtime/container_bad_input_test.cpp: each bad spec gives a precise error at the right
// stage and leaves nothing behind: no mount (/proc/self/mountinfo unchanged) and no process.
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "container_test_support.hpp"
#include "runtime/host_path.hpp"

namespace {

std::string mountinfo() {
  auto text = base::read_file("/proc/self/mountinfo");
  REQUIRE(text.ok());
  return *text;
}

// Spawns `spec`, expects failure at `stage` with `message`, and that nothing is left.
std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

void expect_failure(const runtime::ContainerSpec& spec, runtime::SpawnStage stage,
                    const std::string& message) {
  const std::string before = mountinfo();
  const std::size_t fds_before = open_fds();
  auto spawned = runtime::spawn_container(spec, {-1, 2, 2});
  REQUIRE(!spawned.ok());
  CHECK(spawned.error().error.message() == message);
  CHECK(static_cast<int>(spawned.error().stage) == static_cast<int>(stage));
  CHECK(mountinfo() == before);
  CHECK(open_fds() == fds_before);
  CHECK(no_children());
}

}  // namespace

TEST_CASE("bad container specs fail precisely and leave nothing behind", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  using runtime::SpawnStage;
  auto spec = busybox_spec(rootfs, {"true"});

  SECTION("missing rootfs") {
    spec.rootfs.directory = "/nonexistent/rootfs";
    expect_failure(spec, SpawnStage::create,
                   "rootfs /nonexistent/rootfs: No such file or directory");
  }
  SECTION("a program that does not exist, by path") {
    spec.argv = {"/usr/bin/perl"};
    expect_failure(spec, SpawnStage::start, "exec \"/usr/bin/perl\": No such file or directory");
  }
  SECTION("a program that is not in $PATH") {
    spec.argv = {"perl", "-e", "1"};
    expect_failure(spec, SpawnStage::start, "exec: \"perl\": executable file not found in $PATH");
  }
  SECTION("a program that is not executable") {
    spec.argv = {"/etc/plain"};
    expect_failure(spec, SpawnStage::start, "exec \"/etc/plain\": Permission denied");
  }
  SECTION("a working directory that does not exist") {
    spec.cwd = "/nope";
    expect_failure(spec, SpawnStage::start, "chdir \"/nope\": No such file or directory");
  }
  SECTION("an unknown user") {
    spec.user_name = "bob";
    expect_failure(spec, SpawnStage::create,
                   "unable to find user bob: no matching entries in passwd file");
  }
  SECTION("runAsNonRoot with uid 0") {
    spec.run_as_non_root = true;
    expect_failure(spec, SpawnStage::config,
                   "container has runAsNonRoot and image will run as root");
  }
  SECTION("an invalid seccomp profile") {
    TempDir dir;
    const auto profile = dir.path / "profile.json";
    std::ofstream(profile) << R"({"defaultAction": "SCMP_ACT_MAYBE"})";
    spec.seccomp.kind = runtime::SeccompSpec::Kind::localhost;
    spec.seccomp.localhost_profile = profile;
    expect_failure(
        spec, SpawnStage::create,
        "load seccomp profile " + profile.string() + ": unknown seccomp action \"SCMP_ACT_MAYBE\"");
  }
  SECTION("a missing seccomp profile file") {
    spec.seccomp.kind = runtime::SeccompSpec::Kind::localhost;
    spec.seccomp.localhost_profile = "/nonexistent/profile.json";
    expect_failure(
        spec, SpawnStage::create,
        "load seccomp profile /nonexistent/profile.json: read /nonexistent/profile.json: "
        "No such file or directory");
  }
  SECTION("an rlimit whose soft limit exceeds its hard limit") {
    spec.rlimits = {{RLIMIT_NOFILE, 512, 256}};
    expect_failure(spec, SpawnStage::start, "setrlimit RLIMIT_NOFILE: Invalid argument");
  }
  SECTION("an overlay mount point that does not exist") {
    spec.rootfs.kind = runtime::RootfsSpec::Kind::host;
    spec.rootfs.mount_point = "/nonexistent/mnt";
    expect_failure(spec, SpawnStage::create,
                   "rootfs mount point /nonexistent/mnt: No such file or directory");
  }
  SECTION("a volume on the host rootfs whose mount point does not exist on the host") {
    spec.rootfs.kind = runtime::RootfsSpec::Kind::host;
    runtime::MountSpec m;
    m.source = rootfs.dir.path;
    m.destination = "/batchlet-no-such-dir";
    spec.mounts.push_back(m);
    expect_failure(spec, SpawnStage::start,
                   "bind mount " + rootfs.dir.path.string() +
                       " on /batchlet-no-such-dir: Read-only file system (the host rootfs is "
                       "read-only: the mount point /batchlet-no-such-dir must exist on the host)");
  }
  SECTION("an unknown capability") {
    spec.capabilities_add = {"CAP_FLY"};
    expect_failure(spec, SpawnStage::create, "add capability: unknown capability \"CAP_FLY\"");
  }
  SECTION("a mount onto a path the rootfs cannot hold, failing inside the container") {
    runtime::MountSpec m;
    m.source = rootfs.dir.path;
    m.destination = "/etc/passwd/sub";  // /etc/passwd is a file
    spec.mounts.push_back(m);
    expect_failure(
        spec, SpawnStage::start,
        "bind mount " + rootfs.dir.path.string() + " on /etc/passwd/sub: Not a directory");
  }
}

TEST_CASE("a hostPath of type Directory that does not exist is refused before any spawn",
          "[integration][root]") {
  CHECK(runtime::check_host_path("/nonexistent/dir", runtime::HostPathType::directory)
            .error()
            .message() == "hostPath type check failed: /nonexistent/dir is not a directory");
  CHECK(no_children());
}

TEST_CASE("a successful spawn leaves the caller's mounts as they were", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  const std::string before = mountinfo();
  auto r = run_container(busybox_spec(rootfs, {"sh", "-c", "grep -c . /proc/self/mountinfo"}));
  CHECK(r.exit.success());
  CHECK(mountinfo() == before);
}

TEST_CASE("a spawn that fails inside its cgroup leaves the cgroup empty",
          "[integration][root][cgroup2]") {
  if (!running_as_root()) return;
  const fs::path unified = "/sys/fs/cgroup/unified";
  if (!fs::exists(unified / "cgroup.procs")) return;
  auto own = base::read_file("/proc/self/cgroup");
  REQUIRE(own.ok());
  const auto pos = own->find("0::");
  REQUIRE(pos != std::string::npos);
  std::string rel = own->substr(pos + 4);
  rel = rel.substr(0, rel.find('\n'));
  const fs::path cgroup = unified / rel / ("batchlet-bad-" + std::to_string(::getpid()));
  REQUIRE(::mkdir(cgroup.c_str(), 0755) == 0);
  BusyboxRootfs rootfs;
  auto spec = busybox_spec(rootfs, {"/usr/bin/perl"});
  spec.cgroup_dir = cgroup;
  expect_failure(spec, runtime::SpawnStage::start,
                 "exec \"/usr/bin/perl\": No such file or directory");
  CHECK(base::read_file(cgroup / "cgroup.procs").value().empty());
  CHECK(::rmdir(cgroup.c_str()) == 0);
}
