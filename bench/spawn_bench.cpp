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

Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, std::size_t(q * ms.size()))]; };
  return Stats{at(0.5), at(0.99), ms.front()};
}

// The load of a shared machine changes from second to second: the variants run round-robin, one
// spawn each in turn, so every one of them sees the same load.
struct Variant {
  Variant(const char* n, std::function<double()> f, int e = 1)
      : name(n), once(std::move(f)), every(e) {}
  const char* name;
  std::function<double()> once;  // the measured ms, or < 0 on failure
  int every;                     // runs on every `every`-th round
  std::vector<double> ms;
};

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

// One spawn gives both figures: until spawn_container() returns (exec done) and until the exit.
double g_last_exec_ms = 0;

double batchlet_spawn(const runtime::ContainerSpec& spec, int null_fd) {
  const auto start = Clock::now();
  auto spawned = runtime::spawn_container(spec, {-1, null_fd, null_fd});
  if (!spawned.ok()) {
    std::fprintf(stderr, "spawn_bench: %s\n", spawned.error().error.message().c_str());
    return -1;
  }
  g_last_exec_ms = since(start);
  auto exit = spawned.value().wait();
  if (!exit.ok() || !exit->success()) return -1;
  return since(start);
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
  std::printf("  %-36s %8.2f %8.2f %8.2f\n", name, s.p50, s.p99, s.min);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::max(10, std::atoi(argv[1])) : 500;
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

  const bool crun_ok = have_crun() && make_bundle(dir / "bundle", rootfs);
  const std::string bundle = (dir / "bundle").string();
  std::vector<double> to_exec_ms;
  std::vector<Variant> variants;
  variants.push_back({"fork+exec (host, floor)", fork_exec});
  variants.push_back({"ns clone3+pivot_root (floor)", ns_floor_fork});
  variants.push_back({"ns clone+pivot_root, CLONE_VM|VFORK", ns_floor_vfork});
  variants.push_back({"batchlet start -> exit status", [&] {
                        const double ms = batchlet_spawn(spec, null_fd);
                        to_exec_ms.push_back(g_last_exec_ms);
                        return ms;
                      }});
  if (crun_ok) {
    variants.push_back({"crun run (start -> exit)", [&] { return crun_run(bundle, null_fd); }, 5});
  }
  for (int round = -5; round < n; ++round) {  // five rounds of warm-up
    for (auto& v : variants) {
      if (round % v.every != 0) continue;
      const double ms = v.once();
      if (ms < 0) {
        std::fprintf(stderr, "spawn_bench: %s failed\n", v.name);
        return 1;
      }
      if (round >= 0) v.ms.push_back(ms);
    }
  }
  to_exec_ms.erase(to_exec_ms.begin(), to_exec_ms.begin() + 5);

  std::printf("spawn of /bin/true in a busybox rootfs, %d rounds (crun every 5th), ms\n", n);
  std::printf("  %-36s %8s %8s %8s\n", "", "p50", "p99", "min");
  const Stats fork_floor = stats(variants[0].ms);
  const Stats ns_fork = stats(variants[1].ms);
  const Stats ns_vfork = stats(variants[2].ms);
  const Stats to_exit = stats(variants[3].ms);
  const Stats to_exec = stats(to_exec_ms);
  row(variants[0].name, fork_floor);
  row(variants[1].name, ns_fork);
  row(variants[2].name, ns_vfork);
  row("batchlet spec -> exec", to_exec);
  row(variants[3].name, to_exit);
  std::optional<Stats> crun;
  if (crun_ok) {
    crun = stats(variants[4].ms);
    row(variants[4].name, *crun);
  } else {
    std::printf(
        "  crun run: skipped (crun is not installed, or `crun spec` failed; "
        "scripts/install-deps.sh installs it)\n");
  }

  std::printf("ratios (p50):\n");
  std::printf("  batchlet start->exit / ns floor (fork-like) %6.2fx  goal <= 2x: %s\n",
              to_exit.p50 / ns_fork.p50, to_exit.p50 <= 2 * ns_fork.p50 ? "met" : "NOT met");
  std::printf("  batchlet start->exit / ns floor (vfork)     %6.2fx\n", to_exit.p50 / ns_vfork.p50);
  std::printf(
      "  batchlet spec->exec  / ns floor (vfork)     %6.2fx  (the floor's figure includes "
      "its exit)\n",
      to_exec.p50 / ns_vfork.p50);
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
