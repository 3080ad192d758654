// bench/agent_bench.cpp: the agent end to end — a 1000-pod Indexed Job (/bin/true, parallelism
// 50) from creation to Complete, against a bare C pool doing the same 1000 namespaced spawns
// with 50 in flight, measured in the same run; and the agent's RSS idle and after many
// finished Jobs.
//
// Prints: wall time and pods/s of the baseline pool and of the agent (with the upstream 1 s
// pod-event batch and with a 10 ms one), the ratios (goal <= 2x), and RSS figures (goals
// <= 10 MiB idle, <= 40 MiB after 1000 finished Jobs). Needs root (namespaces, cgroups).
// Run: build/release/bench/agent_bench [pods] [jobs] [--profile]
// --profile: only the agent with the 10 ms batch (for `perf record`), no baseline, no RSS.
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

#include "agent/agent.hpp"
#include "api/job_create.hpp"
#include "api/job_encode.hpp"
#include "api/yaml_codec.hpp"
#include "base/resident_set.hpp"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The bare namespaced child: private mounts, the host's / bound read-only as the root (the
// rootfs a host-image pod gets), pivot_root, exec /bin/true.
char* const kTrueArgv[] = {const_cast<char*>("/bin/true"), nullptr};
char* const kNoEnv[] = {nullptr};

[[noreturn]] void ns_child(const char* root) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(1);
  if (::mount("/", root, nullptr, MS_BIND | MS_REC, nullptr) != 0) ::_exit(2);
  if (::mount(nullptr, root, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) ::_exit(3);
  if (::chdir(root) != 0) ::_exit(4);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) ::_exit(5);
  if (::umount2(".", MNT_DETACH) != 0) ::_exit(6);
  ::execve("/bin/true", kTrueArgv, kNoEnv);
  ::_exit(127);
}

// `total` namespaced spawns, `parallel` in flight, as a C program would do it.
double bare_pool(int total, int parallel, const char* root) {
  const auto start = Clock::now();
  int started = 0;
  int running = 0;
  int failed = 0;
  while (started < total || running > 0) {
    while (started < total && running < parallel) {
      clone_args args{};
      args.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
      args.exit_signal = SIGCHLD;
      const long pid = ::syscall(SYS_clone3, &args, sizeof args);
      if (pid == 0) ns_child(root);
      if (pid < 0) {
        std::perror("clone3");
        return -1;
      }
      ++started;
      ++running;
    }
    int status = 0;
    if (::waitpid(-1, &status, 0) > 0) {
      --running;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
  }
  if (failed > 0) std::fprintf(stderr, "bare pool: %d spawns failed\n", failed);
  return seconds_since(start);
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

api::Job make_job(const std::string& name, int completions, int parallelism, bool indexed) {
  std::string yaml = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name +
                     "\nspec:\n  completions: " + std::to_string(completions) +
                     "\n  parallelism: " + std::to_string(parallelism) + "\n";
  if (indexed) yaml += "  completionMode: Indexed\n";
  yaml +=
      "  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
      "      - name: main\n        image: batchlet.local/host\n        command: [\"/bin/true\"]\n";
  auto parsed = api::parse_yaml_documents(yaml);
  std::mt19937_64 rng(std::random_device{}());
  auto created =
      api::create_job(parsed.documents.at(0).value, std::chrono::system_clock::now(), rng);
  if (!created.errors.empty()) {
    std::fprintf(stderr, "bad job: %s\n", created.errors.front().to_string().c_str());
    std::exit(1);
  }
  return created.job;
}

bool put_job(agent::Agent& agent, const api::Job& job) {
  auto written = agent.store().create({"jobs.batch", "default", job.metadata.name},
                                      job.metadata.uid, [&](api::ResourceVersion rv) {
                                        api::Job v = job;
                                        v.metadata.resource_version = std::to_string(rv);
                                        return api::encode_job(v).dump();
                                      });
  return written.ok() && written->outcome == api::WriteOutcome::written;
}

struct AgentRun {
  double seconds = -1;
  long rss_before_kib = 0;
  long rss_after_kib = 0;
};

// Opens an agent on a fresh state directory, runs `jobs` Jobs of `completions` pods each to
// their end, returns the wall time from the first create to the last Complete.
AgentRun run_agent(int jobs, int completions, int parallelism, bool indexed,
                   base::Duration pod_event_batch) {
  char dir[] = "/var/tmp/batchlet-agent-bench.XXXXXX";
  if (::mkdtemp(dir) == nullptr) return {};
  AgentRun out;
  {
    base::RealClock clock;
    agent::AgentOptions options;
    options.paths = base::Paths(dir, fs::path(dir) / "run");
    options.cgroup_tree = "batchlet-bench-" + std::to_string(::getpid());
    options.pod_event_batch = pod_event_batch;
    options.shim_binary = BATCHLET_BINARY;  // the shim is `batchlet shim`
    auto opened = agent::Agent::open(options, clock);
    if (!opened.ok()) {
      std::fprintf(stderr, "agent: %s\n", opened.error().message().c_str());
      return {};
    }
    agent::Agent& a = **opened;
    base::trim_resident_set();  // as `batchlet serve` does before its loop
    out.rss_before_kib = rss_kib();
    std::vector<std::string> uids;
    const auto start = Clock::now();
    for (int j = 0; j < jobs; ++j) {
      api::Job job = make_job("bench-" + std::to_string(j), completions, parallelism, indexed);
      uids.push_back(job.metadata.uid);
      if (!put_job(a, job)) return {};
    }
    auto ran = a.run(-1, [&] {
      for (const auto& uid : uids) {
        const agent::CachedJob* job = a.informer().job(uid);
        if (job == nullptr || !job->job.status.finished()) return false;
      }
      return a.active_pods() == 0;
    });
    out.seconds = seconds_since(start);
    out.rss_after_kib = rss_kib();
    if (!ran.ok()) std::fprintf(stderr, "agent: %s\n", ran.error().message().c_str());
    // The cgroups of finished pods stay until their Jobs are deleted; the bench leaves nothing.
    if (auto removed = a.remove_cgroup_tree(); !removed.ok()) {
      std::fprintf(stderr, "agent: %s\n", removed.error().message().c_str());
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (::geteuid() != 0) {
    std::fprintf(stderr, "agent_bench: needs root (namespaces, cgroups)\n");
    return 1;
  }
  const int pods = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int jobs = argc > 2 ? std::atoi(argv[2]) : 1000;
  if (argc > 3 && std::string_view(argv[3]) == "--profile") {
    const AgentRun run = run_agent(1, pods, 50, true, std::chrono::milliseconds(10));
    std::printf("agent, 10 ms pod-event batch: %.2f s, %.0f pods/s\n", run.seconds,
                pods / run.seconds);
    return run.seconds < 0 ? 1 : 0;
  }
  const int parallel = 50;
  std::printf("agent_bench: %d-pod Indexed Job, /bin/true, parallelism %d\n", pods, parallel);

  char root[] = "/tmp/batchlet-bench-root.XXXXXX";
  if (::mkdtemp(root) == nullptr) return 1;
  const double bare = bare_pool(pods, parallel, root);
  ::rmdir(root);
  std::printf("  bare C pool (clone3 pid+mnt+uts+ipc, pivot_root, exec) %8.2f s  %7.0f pods/s\n",
              bare, pods / bare);

  for (const auto& [label, batch] :
       {std::pair{"agent, 1 s pod-event batch (spec 4.1)", base::Duration(std::chrono::seconds(1))},
        std::pair{"agent, 10 ms pod-event batch (--pod-event-batch)",
                  base::Duration(std::chrono::milliseconds(10))}}) {
    const AgentRun run = run_agent(1, pods, parallel, true, batch);
    if (run.seconds < 0) return 1;
    std::printf("  %-50s %8.2f s  %7.0f pods/s  %.1fx the bare pool (goal <= 2x)\n", label,
                run.seconds, pods / run.seconds, run.seconds / bare);
  }

  const AgentRun many = run_agent(jobs, 1, 1, false, std::chrono::milliseconds(10));
  if (many.seconds < 0) return 1;
  std::printf("  agent RSS idle (store open, nothing running)      %8.1f MiB (goal <= 10)\n",
              many.rss_before_kib / 1024.0);
  std::printf("  agent RSS after %d finished one-pod Jobs          %8.1f MiB (goal <= 40)\n", jobs,
              many.rss_after_kib / 1024.0);
  std::printf("  (%d Jobs took %.2f s: %.0f Jobs/s)\n", jobs, many.seconds, jobs / many.seconds);
  return 0;
}
