// tests/runtime/container_test_support.hpp: a busybox rootfs in a temporary directory and a
// helper that runs one container to completion, for the [root] container tests.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/file.hpp"
#include "base/unique_fd.hpp"
#include "runtime/spawn.hpp"

namespace fs = std::filesystem;

// A temporary directory removed (recursively) at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char templ[] = "/tmp/batchlet-test-XXXXXX";
    REQUIRE(::mkdtemp(templ) != nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// /bin/busybox (static) with its applets as symlinks, the probe, and an /etc/passwd knowing
// root and alice (1000:1000, member of group 2000 "extra").
struct BusyboxRootfs {
  TempDir dir;
  fs::path root;
  BusyboxRootfs() {
    root = dir.path / "rootfs";
    fs::create_directories(root / "bin");
    fs::create_directories(root / "etc");
    fs::copy_file("/bin/busybox", root / "bin/busybox");
    for (const char* applet : {"sh",    "cat",  "echo",  "id",   "ls",   "mount", "touch",
                               "sleep", "true", "false", "grep", "test", "ps",    "hostname",
                               "head",  "tail", "wc",    "stat", "df",   "awk",   "mkdir"}) {
      fs::create_symlink("busybox", root / "bin" / applet);
    }
    fs::copy_file(CONTAINER_PROBE, root / "bin/container_probe");
    std::ofstream(root / "etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n"
                                       << "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n";
    std::ofstream(root / "etc/group") << "root:x:0:\nalice:x:1000:\nextra:x:2000:alice\n";
    std::ofstream(root / "etc/plain") << "not a program\n";
  }
};

inline runtime::ContainerSpec busybox_spec(const BusyboxRootfs& rootfs,
                                           std::vector<std::string> argv) {
  runtime::ContainerSpec spec;
  spec.id = "test";
  spec.argv = std::move(argv);
  spec.env = {"PATH=/bin"};
  spec.hostname = "box";
  spec.rootfs.kind = runtime::RootfsSpec::Kind::directory;
  spec.rootfs.directory = rootfs.root;
  return spec;
}

struct RunOutput {
  base::ProcessExit exit;
  std::string out;
  std::string err;
};

inline std::string drain(int fd) {
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  return text;
}

// Runs the container to its end; output beyond a pipe's buffer is not expected here.
inline RunOutput run_container(const runtime::ContainerSpec& spec) {
  auto out = base::make_pipe();
  auto err = base::make_pipe();
  REQUIRE(out.ok());
  REQUIRE(err.ok());
  auto spawned = runtime::spawn_container(spec, {-1, out->write.get(), err->write.get()});
  if (!spawned.ok()) FAIL("spawn failed: " << spawned.error().error.message());
  out->write.reset();
  err->write.reset();
  auto exit = spawned.value().wait();
  REQUIRE(exit.ok());
  return RunOutput{*exit, drain(out->read.get()), drain(err->read.get())};
}

inline bool running_as_root() { return ::geteuid() == 0; }

// True when this process has no child at all, running or unreaped.
inline bool no_children() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD;
}
