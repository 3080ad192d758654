// tests/runtime/container_spawn_test.cpp: isolation properties of a spawned container, observed
// from inside a busybox rootfs.
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "container_test_support.hpp"
#include "runtime/capabilities.hpp"
#include "runtime/etc_files.hpp"

namespace {

std::string cap_line(runtime::CapabilitySet set) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "CapEff:\t%016llx\n", static_cast<unsigned long long>(set));
  return buf;
}

}  // namespace

TEST_CASE("a container is pid 1 of its own pid namespace and sees no host process",
          "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  const std::string host_pid = std::to_string(::getpid());
  auto r = run_container(busybox_spec(rootfs, {"sh", "-c",
                                               "echo $$; test -e /proc/" + host_pid +
                                                   " && echo visible || echo hidden; hostname"}));
  CHECK(r.exit.success());
  CHECK(r.out == "1\nhidden\nbox\n");
  CHECK(no_children());
}

TEST_CASE("a container cannot mount, and keyctl is refused under RuntimeDefault only",
          "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto spec = busybox_spec(
      rootfs,
      {"sh", "-c", "mount -t tmpfs none /bin 2>/dev/null; echo mount=$?; container_probe keyctl"});
  auto r = run_container(spec);
  CHECK(r.out == "mount=1\nEPERM\n");
  spec.seccomp.kind = runtime::SeccompSpec::Kind::unconfined;
  r = run_container(spec);
  CHECK(r.out == "mount=1\nok\n");  // still no CAP_SYS_ADMIN
  spec.argv = {"container_probe", "userns"};
  spec.seccomp.kind = runtime::SeccompSpec::Kind::runtime_default;
  CHECK(run_container(spec).out == "EPERM\n");
}

TEST_CASE("capabilities, no_new_privs and identity are what the spec asks", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto spec = busybox_spec(
      rootfs, {"sh", "-c", "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; id -u; id -g"});
  SECTION("root with the default set") {
    CHECK(run_container(spec).out ==
          cap_line(runtime::default_capabilities()) + "NoNewPrivs:\t1\n0\n0\n");
  }
  SECTION("add and drop") {
    spec.capabilities_add = {"NET_ADMIN"};
    spec.capabilities_drop = {"CAP_CHOWN"};
    const auto want = (runtime::default_capabilities() | (1ULL << 12)) & ~1ULL;
    CHECK(run_container(spec).out == cap_line(want) + "NoNewPrivs:\t1\n0\n0\n");
  }
  SECTION("a requested uid and gid; a non-root user has no effective capabilities") {
    spec.uid = 1234;
    spec.gid = 5678;
    spec.no_new_privs = false;
    CHECK(run_container(spec).out == cap_line(0) + "NoNewPrivs:\t0\n1234\n5678\n");
    spec.argv = {"id", "-G"};
    spec.supplementary_groups = {42};
    CHECK(run_container(spec).out == "5678 42\n");
  }
  SECTION("a user name resolved in the rootfs, with its groups") {
    spec.user_name = "alice";
    spec.argv = {"id"};
    CHECK(run_container(spec).out ==
          "uid=1000(alice) gid=1000(alice) groups=1000(alice),2000(extra)\n");
  }
  SECTION("privileged: every capability, no seccomp, no masked paths") {
    spec.privileged = true;
    spec.argv = {"sh", "-c",
                 "grep CapEff /proc/self/status; container_probe keyctl; ls /sys/firmware | wc -l"};
    auto own = base::read_file("/proc/self/status");
    REQUIRE(own.ok());
    const auto prm = own->find("CapPrm:\t");
    REQUIRE(prm != std::string::npos);
    const std::string want = "CapEff:\t" + own->substr(prm + 8, 16) + "\nok\n";
    auto out = run_container(spec).out;
    CHECK(out.rfind(want, 0) == 0);
    CHECK(out.substr(want.size()) != "0\n");  // /sys/firmware is not masked
  }
}

TEST_CASE("masked and read-only kernel paths", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto r = run_container(
      busybox_spec(rootfs, {"sh", "-c",
                            "cat /proc/keys | wc -c; ls /sys/firmware | wc -l; "
                            "echo x 2>/dev/null > /proc/sys/kernel/domainname; echo sys=$?; "
                            "echo x 2>/dev/null > /sys/kernel/uevent_helper; echo sysfs=$?"}));
  CHECK(r.out == "0\n0\nsys=1\nsysfs=1\n");
}

TEST_CASE("a container inherits no descriptor besides stdio", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  base::UniqueFd leaked(::open("/dev/null", O_RDONLY));  // deliberately without O_CLOEXEC
  REQUIRE(leaked.valid());
  CHECK(run_container(busybox_spec(rootfs, {"container_probe", "fds"})).out == "0 1 2\n");
}

TEST_CASE("a read-only rootfs refuses writes, a tmpfs volume accepts them", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto spec = busybox_spec(
      rootfs, {"sh", "-c",
               "touch /new 2>/dev/null; echo root=$?; touch /scratch/new; echo tmpfs=$?; "
               "stat -f -c '%b*%S' /scratch"});
  spec.rootfs.read_only = true;
  runtime::MountSpec scratch;
  scratch.kind = runtime::MountSpec::Kind::tmpfs;
  scratch.destination = "/scratch";
  scratch.tmpfs_size_bytes = 1 << 20;
  spec.mounts.push_back(scratch);
  auto r = run_container(spec);
  INFO(r.err);
  CHECK(r.out == "root=1\ntmpfs=0\n256*4096\n");  // sizeLimit 1 MiB
  CHECK(!fs::exists(rootfs.root / "new"));
}

TEST_CASE("an emptyDir written by one container is read by the next", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  TempDir volume;
  runtime::MountSpec data;
  data.source = volume.path;
  data.destination = "/data";
  auto writer = busybox_spec(rootfs, {"sh", "-c", "echo hello from the first > /data/msg"});
  writer.mounts.push_back(data);
  CHECK(run_container(writer).exit.success());
  auto reader = busybox_spec(
      rootfs, {"sh", "-c", "cat /data/msg; echo x > /data/ro 2>/dev/null || echo read-only"});
  data.read_only = true;
  reader.mounts.push_back(data);
  CHECK(run_container(reader).out == "hello from the first\nread-only\n");
}

TEST_CASE("stop: SIGTERM, then after the grace period SIGKILL of the whole cgroup",
          "[integration][root][cgroup2]") {
  if (!running_as_root()) return;
  const fs::path unified = "/sys/fs/cgroup/unified";
  if (!fs::exists(unified / "cgroup.procs")) return;
  BusyboxRootfs rootfs;
  auto own = base::read_file("/proc/self/cgroup");
  REQUIRE(own.ok());
  const auto pos = own->find("0::");
  REQUIRE(pos != std::string::npos);
  std::string rel = own->substr(pos + 3);
  rel = rel.substr(0, rel.find('\n'));
  const fs::path cgroup = unified / rel.substr(1) / ("batchlet-test-" + std::to_string(::getpid()));
  REQUIRE(::mkdir(cgroup.c_str(), 0755) == 0);

  auto spec = busybox_spec(rootfs, {"sh", "-c", "sleep 1000 & sleep 1000"});
  spec.cgroup_dir = cgroup;
  auto spawned = runtime::spawn_container(spec, {-1, 2, 2});
  REQUIRE(spawned.ok());
  auto& container = spawned.value();
  auto in_cgroup = base::read_file("/proc/" + std::to_string(container.pid()) + "/cgroup");
  REQUIRE(in_cgroup.ok());
  CHECK(in_cgroup->find(cgroup.filename().string()) != std::string::npos);
  auto exit = container.stop(std::chrono::milliseconds(200));
  REQUIRE(exit.ok());
  CHECK(exit->signal == SIGKILL);
  CHECK(::rmdir(cgroup.c_str()) == 0);  // empty: nothing of the container is left
  CHECK(no_children());
}

TEST_CASE("stop: a program that handles SIGTERM ends within the grace period",
          "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto spec = busybox_spec(
      rootfs, {"sh", "-c", "trap 'exit 3' TERM; echo ready; while true; do sleep 0.05; done"});
  auto out = base::make_pipe();
  REQUIRE(out.ok());
  auto spawned = runtime::spawn_container(spec, {-1, out->write.get(), 2});
  REQUIRE(spawned.ok());
  char buf[6];
  REQUIRE(::read(out->read.get(), buf, sizeof buf) == 6);  // the trap is set
  auto exit = spawned.value().stop(std::chrono::seconds(30));
  REQUIRE(exit.ok());
  CHECK(exit->signal == 0);
  CHECK(exit->exit_code == 3);
}

TEST_CASE("per-pod /etc/hostname, /etc/hosts and /etc/resolv.conf are bind-mounted in",
          "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  TempDir pod;
  runtime::HostsFileSpec hosts;
  hosts.host_network = false;
  hosts.pod_ips = {"10.1.2.3"};
  hosts.hostname = "job-abc";
  auto mounts = runtime::write_etc_files(
      pod.path, {"job-abc\n", runtime::make_hosts_file(hosts), "nameserver 10.0.0.10\n"});
  REQUIRE(mounts.ok());
  auto spec = busybox_spec(
      rootfs, {"sh", "-c", "cat /etc/hostname; tail -n 1 /etc/hosts; cat /etc/resolv.conf"});
  spec.mounts = *mounts;
  // As in images using systemd-resolved: a dangling link, whose target the runtime creates.
  fs::create_symlink("../run/systemd/resolve/stub-resolv.conf", rootfs.root / "etc/resolv.conf");
  CHECK(run_container(spec).out == "job-abc\n10.1.2.3\tjob-abc\nnameserver 10.0.0.10\n");
  CHECK(fs::is_regular_file(rootfs.root / "run/systemd/resolve/stub-resolv.conf"));
}

TEST_CASE("a Localhost seccomp profile is what the container runs under", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  TempDir dir;
  const auto profile = dir.path / "profile.json";
  std::ofstream(profile) << R"({"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})";
  auto spec = busybox_spec(rootfs, {"sh", "-c", "mkdir /made 2>&1; container_probe keyctl"});
  spec.seccomp.kind = runtime::SeccompSpec::Kind::localhost;
  spec.seccomp.localhost_profile = profile;
  CHECK(run_container(spec).out ==
        "mkdir: can't create directory '/made': Permission denied\nok\n");
}

TEST_CASE("containers spawned from several threads at once all start", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  const auto spec = busybox_spec(rootfs, {"sh", "-c", "echo $$"});
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto out = base::make_pipe();
        if (!out.ok()) return;
        auto spawned = runtime::spawn_container(spec, {-1, out->write.get(), 2});
        out->write.reset();
        if (!spawned.ok()) continue;
        const std::string text = drain(out->read.get());
        auto exit = spawned.value().wait();
        if (exit.ok() && exit->success() && text == "1\n") ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(good == 40);
  CHECK(no_children());
}
