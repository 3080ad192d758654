// tests/runtime/container_rootfs_test.cpp: the three rootfs kinds (host, overlay, directory),
// /dev, rlimits and the network namespace, observed from inside the container.
#include <sys/resource.h>

#include "container_test_support.hpp"

TEST_CASE("host rootfs: the host's / read-only with private /tmp and /run", "[integration][root]") {
  if (!running_as_root()) return;
  TempDir marker_dir;  // a host directory under /tmp: hidden by the container's private /tmp
  const std::string name = "batchlet-private-" + std::to_string(::getpid());
  runtime::ContainerSpec spec;
  spec.argv = {"/bin/sh", "-c",
               "touch /usr/" + name + " 2>/dev/null; echo usr=$?; touch /tmp/" + name + " /run/" +
                   name + " && echo private=ok; ls /tmp; test -e " + marker_dir.path.string() +
                   " && echo host-tmp || echo own-tmp; echo $$"};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.rootfs.kind = runtime::RootfsSpec::Kind::host;
  auto r = run_container(spec);
  CHECK(r.out == "usr=1\nprivate=ok\n" + name + "\nown-tmp\n1\n");
  CHECK(!fs::exists("/usr/" + name));
  CHECK(!fs::exists("/tmp/" + name));
  CHECK(!fs::exists("/run/" + name));
}

TEST_CASE("overlay rootfs: writes land in the upper dir, the layers stay untouched",
          "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs lower;
  TempDir state;
  fs::create_directories(state.path / "upper");
  fs::create_directories(state.path / "work");
  fs::create_directories(lower.root / "proc");  // so the lower layer gets no new entries below
  fs::create_directories(lower.root / "dev");
  fs::create_directories(lower.root / "sys");
  runtime::ContainerSpec spec;
  spec.argv = {"sh", "-c", "echo new > /etc/new; rm /etc/plain; cat /etc/new; ls /etc"};
  spec.env = {"PATH=/bin"};
  spec.rootfs.kind = runtime::RootfsSpec::Kind::overlay;
  spec.rootfs.lower_dirs = {lower.root};
  spec.rootfs.upper_dir = state.path / "upper";
  spec.rootfs.work_dir = state.path / "work";
  spec.rootfs.mount_point = state.path;  // any existing directory
  auto r = run_container(spec);
  CHECK(r.out == "new\ngroup\nnew\npasswd\n");
  CHECK(fs::exists(state.path / "upper/etc/new"));
  CHECK(fs::exists(lower.root / "etc/plain"));
  CHECK(!fs::exists(lower.root / "etc/new"));
}

TEST_CASE("a minimal /dev", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto r = run_container(busybox_spec(
      rootfs, {"sh", "-c",
               "ls /dev; echo x > /dev/null && head -c 4 /dev/zero | wc -c; ls /dev/pts; "
               "stat -c %a /dev/shm"}));
  CHECK(r.out ==
        "core\nfd\nfull\nmqueue\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\n"
        "urandom\nzero\n4\nptmx\n1777\n");
}

TEST_CASE("rlimits are applied", "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto spec = busybox_spec(rootfs, {"sh", "-c", "ulimit -n; ulimit -Hn"});
  spec.rlimits = {{RLIMIT_NOFILE, 256, 512}};
  CHECK(run_container(spec).out == "256\n512\n");
}

TEST_CASE("without host_network the container has only a loopback interface",
          "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  auto spec = busybox_spec(rootfs, {"ls", "/sys/class/net"});
  spec.host_network = false;
  CHECK(run_container(spec).out == "lo\n");
  spec.host_network = true;
  CHECK(run_container(spec).out != "lo\n");
}
