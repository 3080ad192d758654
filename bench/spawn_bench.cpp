// bench/spawn_bench.cpp: how long batchlet takes to start a container, against floors and crun
// measured in the same run on the same busybox rootfs.
//
// Measures, per spawn of /bin/true, p50/p99 in ms:
//   fork+exec (host)            the bare process floor
//   ns floor (fork-like clone3) clone3 pid+mnt+uts+ipc, bind + pivot_root into the rootfs, exec
//   ns floor (CLONE_VM|VFORK)   the same sharing the parent's memory until exec
//   batchlet spec -> exec       spawn_container() returning (the program has been exec'd)
//   batchlet start -> exit      spawn_container() + wait() (exit status known)
//   crun run                    `crun --cgroup-manager=disabled run` of an equivalent bundle
// and the ratios the issue sets as goals: batchlet p50 <= 2x the namespaced floor, >= 3x faster
// than crun. Needs root. Run: build/<preset>/bench/spawn_bench [iterations]
//
// The bench first moves itself into a private mount namespace and unmounts the hybrid host's
// cgroup2 mount there (crun refuses hybrid cgroups; see ../shared/notes/runtime-anchors.md);
// nothing of that is visible outside this process.
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/spawn.hpp"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
  double p50 = 0;
  double p99 = 0;
  double min = 0;
};

// Runs `once` (returning the measured ms, or < 0 on failure) `n` times after a warm-up.
Stats measure(int n, const std::function<double()>& once) {
  for (int i = 0; i < std::max(3, n / 20); ++i) {
    if (once() < 0) std::exit(1);
  }
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double v = once();
    if (v < 0) std::exit(1);
    ms.push_back(v);
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, std::size_t(q * ms.size()))]; };
  return Stats{at(0.5), at(0.99), ms.front()};
}

double since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

char* const kTrueArgv[] = {const_cast<char*>("/bin/true"), nullptr};
char* const kNoEnv[] = {nullptr};

double fork_exec() {
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execve("/bin/true", kTrueArgv, kNoEnv);
    ::_exit(127);
  }
  if (pid < 0 || wait_exit(pid) != 0) return -1;
  return since(start);
}

const char* g_rootfs = nullptr;

// The bare namespaced child: private mounts, bind the rootfs, pivot_root, exec.
int ns_child(void*) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 1;
  if (::mount(g_rootfs, g_rootfs, nullptr, MS_BIND | MS_REC, nullptr) != 0) return 2;
  if (::chdir(g_rootfs) != 0) return 3;
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return 4;
  if (::umount2(".", MNT_DETACH) != 0) return 5;
  ::execve("/bin/true", kTrueArgv, kNoEnv);
  return 127;
}

constexpr int kNsFlags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;

double ns_floor_fork() {
  clone_args args{};
  args.flags = kNsFlags;
  args.exit_signal = SIGCHLD;
  const auto start = Clock::now();
  const long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) ::_exit(ns_child(nullptr));
  if (pid < 0 || wait_exit(static_cast<pid_t>(pid)) != 0) return -1;
  return since(start);
}

alignas(16) char g_stack[256 * 1024];

double ns_floor_vfork() {
  const auto start = Clock::now();
  const int pid = ::clone(ns_child, g_stack + sizeof g_stack,
                          kNsFlags | CLONE_VM | CLONE_VFORK | SIGCHLD, nullptr);
  if (pid < 0 || wait_exit(pid) != 0) return -1;
  return since(start);
}

double batchlet_spawn(const runtime::ContainerSpec& spec, int null_fd, bool until_exit) {
  const auto start = Clock::now();
  auto spawned = runtime::spawn_container(spec, {-1, null_fd, null_fd});
  if (!spawned.ok()) {
    std::fprintf(stderr, "spawn_bench: %s\n", spawned.error().error.message().c_str());
    return -1;
  }
  double ms = since(start);
  auto exit = spawned.value().wait();
  if (!exit.ok() || !exit->success()) return -1;
  if (until_exit) ms = since(start);
  return ms;
}

double crun_run(const std::string& bundle, int null_fd) {
  static int counter = 0;
  const std::string id =
      "spawn-bench-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const char* argv[] = {
      "crun", "--cgroup-manager=disabled", "run", "--bundle", bundle.c_str(), id.c_str(), nullptr};
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::execvp("crun", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  if (pid < 0 || wait_exit(pid) != 0) return -1;
  return since(start);
}

bool have_crun() { return std::system("crun --version >/dev/null 2>&1") == 0; }

// An OCI bundle for crun: its own default spec (`crun spec`), running /bin/true from `rootfs`.
bool make_bundle(const fs::path& bundle, const fs::path& rootfs) {
  fs::create_directories(bundle);
  const std::string cmd = "cd '" + bundle.string() + "' && crun spec >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return false;
  std::ifstream in(bundle / "config.json");
  nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (config.is_discarded()) return false;
  config["process"]["args"] = {"/bin/true"};
  config["process"]["terminal"] = false;
  config["root"]["path"] = rootfs.string();
  config["root"]["readonly"] = false;
  std::ofstream(bundle / "config.json") << config.dump(2);
  return true;
}

void row(const char* name, const Stats& s) {
  std::printf("  %-34s %8.2f %8.2f %8.2f\n", name, s.p50, s.p99, s.min);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 500;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "spawn_bench: needs root (namespaces, pivot_root)\n");
    return 1;
  }
  if (::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    std::perror("spawn_bench: private mount namespace");
    return 1;
  }
  (void)::umount2("/sys/fs/cgroup/unified", MNT_DETACH);  // hybrid host: crun needs it gone

  char templ[] = "/tmp/batchlet-spawn-bench-XXXXXX";
  if (::mkdtemp(templ) == nullptr) return 1;
  const fs::path dir = templ;
  const fs::path rootfs = dir / "rootfs";
  fs::create_directories(rootfs / "bin");
  fs::copy_file("/bin/busybox", rootfs / "bin/busybox");
  fs::create_symlink("busybox", rootfs / "bin/true");
  fs::create_symlink("busybox", rootfs / "bin/sh");
  const std::string rootfs_text = rootfs.string();
  g_rootfs = rootfs_text.c_str();
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);

  runtime::ContainerSpec spec;
  spec.id = "bench";
  spec.argv = {"/bin/true"};
  spec.env = {"PATH=/bin"};
  spec.hostname = "bench";
  spec.rootfs.kind = runtime::RootfsSpec::Kind::directory;
  spec.rootfs.directory = rootfs;

  std::printf("spawn of /bin/true in a busybox rootfs, %d runs each (crun: %d), ms\n", n,
              std::max(20, n / 5));
  std::printf("  %-34s %8s %8s %8s\n", "", "p50", "p99", "min");
  const Stats fork_floor = measure(n, fork_exec);
  row("fork+exec (host, floor)", fork_floor);
  const Stats ns_fork = measure(n, ns_floor_fork);
  row("ns clone3+pivot_root (floor)", ns_fork);
  const Stats ns_vfork = measure(n, ns_floor_vfork);
  row("ns clone+pivot_root, CLONE_VM|VFORK", ns_vfork);
  const Stats to_exec = measure(n, [&] { return batchlet_spawn(spec, null_fd, false); });
  row("batchlet spec -> exec", to_exec);
  const Stats to_exit = measure(n, [&] { return batchlet_spawn(spec, null_fd, true); });
  row("batchlet start -> exit status", to_exit);

  std::optional<Stats> crun;
  if (!have_crun()) {
    std::printf("  crun run: skipped (crun is not installed; scripts/install-deps.sh adds it)\n");
  } else if (!make_bundle(dir / "bundle", rootfs)) {
    std::printf("  crun run: skipped (could not write a bundle with `crun spec`)\n");
  } else {
    crun =
        measure(std::max(20, n / 5), [&] { return crun_run((dir / "bundle").string(), null_fd); });
    row("crun run (start -> exit)", *crun);
  }

  std::printf("ratios (p50):\n");
  std::printf("  batchlet start->exit / ns floor (fork-like) %6.2fx  goal <= 2x: %s\n",
              to_exit.p50 / ns_fork.p50, to_exit.p50 <= 2 * ns_fork.p50 ? "met" : "NOT met");
  std::printf("  batchlet start->exit / ns floor (vfork)     %6.2fx\n", to_exit.p50 / ns_vfork.p50);
  std::printf("  batchlet start->exit / fork+exec            %6.2fx\n",
              to_exit.p50 / fork_floor.p50);
  if (crun) {
    std::printf("  crun run / batchlet start->exit             %6.2fx  goal >= 3x: %s\n",
                crun->p50 / to_exit.p50, crun->p50 >= 3 * to_exit.p50 ? "met" : "NOT met");
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
