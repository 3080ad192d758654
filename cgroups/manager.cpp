// cgroups/manager.cpp: the tree batchlet/<job>/<pod>/<container>, limits, recovery.
// Contract: see manager.hpp.
#include "cgroups/manager.hpp"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>

namespace cgroups {

namespace {

constexpr std::string_view kAgentLeaf = "agent";

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Opens `relative` under the mount, creating the missing directories on the way and enabling
// `controllers` in each ancestor so they reach it. Directories created here are not owned: a
// configured parent is shared infrastructure.
base::Result<Cgroup> open_or_create_path(const std::filesystem::path& mount,
                                         const std::string& relative,
                                         const std::vector<std::string>& controllers) {
  base::Result<Cgroup> at = Cgroup::open_root(mount, "/");
  if (!at.ok()) return at;
  std::string_view rest = relative;
  while (!rest.empty()) {
    if (rest.front() == '/') {
      rest.remove_prefix(1);
      continue;
    }
    const size_t slash = rest.find('/');
    std::string_view name = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    base::Result<Cgroup> child = at->open_child(name);
    if (!child.ok() && child.error().sys_errno() == ENOENT) {
      base::Status enabled = at->enable_controllers(controllers);
      if (!enabled.ok()) return enabled.error();
      child = at->make_child(name, /*exist_ok=*/true);
      if (child.ok()) child->release();
    }
    if (!child.ok()) return child;
    at = std::move(child);
  }
  return at;
}

}  // namespace

base::Result<Manager> Manager::open(const ManagerOptions& options) {
  if (!Cgroup::is_valid_name(options.tree_name)) {
    return base::Error("invalid cgroup tree name '" + options.tree_name + "'");
  }
  base::Result<Discovery> found = discover(options.discover);
  if (!found.ok()) return found.error();
  Discovery discovery = std::move(found).value();

  base::Result<Cgroup> base_cgroup =
      open_or_create_path(discovery.mount, discovery.base, discovery.available);
  if (!base_cgroup.ok()) return base_cgroup.error().context("open cgroup base " + discovery.base);
  base::Result<Cgroup> tree = base_cgroup->make_child(options.tree_name, /*exist_ok=*/true);
  if (!tree.ok()) return tree.error();
  // The tree outlives the agent process (restarts recover() it) and may hold the agent itself.
  tree->release();

  if (is_delegated(discovery.tree_mode)) {
    // The base's own processes (the agent in its unit's cgroup, the keeper a scope started
    // with) move to a leaf before the base enables controllers.
    base::Result<Cgroup> agent = tree->make_child(kAgentLeaf, /*exist_ok=*/true);
    if (!agent.ok()) return agent.error();
    agent->release();
    base::Result<std::vector<pid_t>> procs = base_cgroup->procs();
    if (!procs.ok()) return procs.error();
    for (pid_t pid : *procs) {
      base::Status moved = agent->add_process(pid);
      // A process that exited meanwhile is gone from the base anyway.
      if (!moved.ok() && moved.error().sys_errno() != ESRCH) {
        return moved.error().context("move process " + std::to_string(pid) + " into " +
                                     agent->relative());
      }
    }
  }
  base::Status enabled = base_cgroup->enable_controllers(discovery.available);
  if (!enabled.ok()) return enabled.error().context("enable controllers");
  enabled = tree->enable_controllers(discovery.available);
  if (!enabled.ok()) return enabled.error().context("enable controllers");

  for (const std::string& note : discovery.notes) spdlog::warn("cgroups: {}", note);
  const std::string degraded = cgroups::degradation_message(discovery.missing);
  if (!degraded.empty()) spdlog::warn("{}", degraded);
  spdlog::info("cgroups: tree {} mode={} cgroup_mode={} controllers={}", tree->path().string(),
               to_string(discovery.tree_mode), to_string(discovery.mode),
               fmt::join(discovery.available, ","));
  return Manager(std::move(discovery), std::move(tree).value());
}

std::string Manager::degradation_message() const {
  return cgroups::degradation_message(discovery_.missing);
}

base::Result<Cgroup> Manager::agent_leaf() const {
  base::Result<Cgroup> agent = tree_.make_child(kAgentLeaf, /*exist_ok=*/true);
  if (agent.ok()) agent->release();
  return agent;
}

base::Status Manager::enter_agent_leaf() const {
  base::Result<Cgroup> agent = agent_leaf();
  if (!agent.ok()) return agent.error();
  // "0" is the writing process; cgroup.procs moves the whole thread group.
  return agent->add_process(0);
}

base::Result<Cgroup> Manager::create_job(std::string_view job_uid) const {
  if (job_uid == kAgentLeaf) return base::Error("job uid 'agent' is reserved");
  base::Result<Cgroup> job = tree_.make_child(job_uid, /*exist_ok=*/true);
  if (!job.ok()) return job;
  base::Status enabled = job->enable_controllers(discovery_.available);
  if (!enabled.ok()) return enabled.error();
  return job;
}

base::Result<Cgroup> Manager::create_pod(const Cgroup& job, std::string_view pod_uid,
                                         const Limits& limits) const {
  base::Result<Cgroup> pod = job.make_child(pod_uid);
  if (!pod.ok()) return pod;
  base::Status applied = apply_limits(*pod, limits);
  if (!applied.ok()) return applied.error();
  base::Status enabled = pod->enable_controllers(discovery_.available);
  if (!enabled.ok()) return enabled.error();
  return pod;
}

base::Result<Cgroup> Manager::create_container(const Cgroup& pod, std::string_view name,
                                               const Limits& limits) const {
  base::Result<Cgroup> container = pod.make_child(name);
  if (!container.ok()) return container;
  base::Status applied = apply_limits(*container, limits);
  if (!applied.ok()) return applied.error();
  return container;
}

base::Status Manager::apply_limits(const Cgroup& cgroup, const Limits& limits) const {
  for (const LimitWrite& write : limit_writes(limits)) {
    if (!contains(discovery_.available, write.controller)) continue;
    // Without swap accounting (CONFIG_MEMCG_SWAP off, or swapaccount=0) the file is absent and
    // there is no swap to forbid.
    if (write.file == "memory.swap.max" && !cgroup.has_file(write.file)) continue;
    base::Status written = cgroup.write(write.file, write.value);
    if (!written.ok()) return written.error().context("set " + write.file + "=" + write.value);
  }
  return {};
}

base::Result<RecoveryReport> Manager::recover(const std::set<std::string>& known_pod_uids,
                                              bool remove_unknown) const {
  RecoveryReport report;
  base::Result<std::vector<std::string>> jobs = tree_.children();
  if (!jobs.ok()) return jobs.error().context("recover");
  for (const std::string& job_uid : *jobs) {
    if (job_uid == kAgentLeaf) continue;
    base::Result<Cgroup> job = tree_.open_child(job_uid);
    if (!job.ok()) {
      report.strays.push_back(tree_.relative() + "/" + job_uid);
      continue;
    }
    base::Result<std::vector<std::string>> pods = job->children();
    if (!pods.ok()) return pods.error().context("recover");
    size_t pods_left = pods->size();
    for (const std::string& pod_uid : *pods) {
      base::Result<Cgroup> pod = job->open_child(pod_uid);
      if (!pod.ok()) {
        report.strays.push_back(job->relative() + "/" + pod_uid);
        continue;
      }
      RecoveredPod found{job_uid, pod_uid, {}, false};
      base::Result<bool> populated = pod->populated();
      if (!populated.ok()) return populated.error().context("recover");
      found.populated = *populated;
      base::Result<std::vector<std::string>> containers = pod->children();
      if (!containers.ok()) return containers.error().context("recover");
      for (const std::string& name : *containers) {
        found.containers.push_back(name);
        base::Result<Cgroup> container = pod->open_child(name);
        if (!container.ok()) {
          report.strays.push_back(pod->relative() + "/" + name);
          continue;
        }
        base::Result<std::vector<std::string>> deeper = container->children();
        if (!deeper.ok()) return deeper.error().context("recover");
        for (const std::string& extra : *deeper) {
          report.strays.push_back(container->relative() + "/" + extra);
        }
      }
      if (known_pod_uids.contains(pod_uid)) {
        report.known.push_back(std::move(found));
        continue;
      }
      if (remove_unknown) {
        const std::string relative = pod->relative();
        base::Status destroyed = pod->destroy();
        if (!destroyed.ok()) return destroyed.error().context("recover");
        report.removed.push_back(relative);
        --pods_left;
      }
      report.unknown.push_back(std::move(found));
    }
    if (pods_left == 0) {
      report.empty_jobs.push_back(job_uid);
      if (remove_unknown) {
        const std::string relative = job->relative();
        base::Status destroyed = job->destroy();
        if (!destroyed.ok()) return destroyed.error().context("recover");
        report.removed.push_back(relative);
      }
    }
  }
  return report;
}

}  // namespace cgroups
