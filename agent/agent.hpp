// agent/agent.hpp: the agent — the store, the Job controller, the garbage collector and the pod
// manager wired into one loop (design.md). `batchlet serve` puts the HTTP API in front of it;
// `batchlet run` drives it for one Job with a private state directory.
//
// Contract:
// - open() recovers before anything runs (Mesos-style): the store (migrations, crash debris),
//   the image store, the cgroup tree (optional: without it limits are not enforced and pods are
//   tracked by process group), then the pod manager adopts running containers of the pods in
//   the store and every Job is queued for a sync. Nothing finished is run again; backoff and
//   deadlines continue from the persisted times.
// - The loop (run()) is the only thread that reads the informer, syncs Jobs and calls the pod
//   manager; everything else reaches the agent through the store, whose commits wake the loop.
//   Pod workers and HTTP threads only write to the store.
// - Change observers run under the store's writer lock for every committed change, in
//   resourceVersion order (the API's watch fan-out is one): hand the change on, never call back.
// - run() returns when `stop_fd` (if >= 0) is readable or `done` returns true (checked between
//   rounds, at least every options.max_loop_sleep, on the loop thread, where it may read
//   informer()). The destructor leaves containers
//   running: a new agent adopts them.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/event_sink.hpp"
#include "agent/informer.hpp"
#include "agent/job_controller.hpp"
#include "agent/store.hpp"
#include "api/quantity.hpp"
#include "base/clock.hpp"
#include "base/paths.hpp"
#include "base/result.hpp"
#include "runtime/cri_log.hpp"
#include "runtime/registry_client.hpp"

namespace agent {

struct AgentOptions {
  base::Paths paths;
  std::string node_name;  // "" = the host name
  ControllerOptions controller;
  // Delay between a pod change and the sync of its Job (upstream's syncJobBatchPeriod).
  base::Duration pod_event_batch = std::chrono::seconds(1);
  bool use_cgroups = true;  // false: never touch cgroupfs (tests, unprivileged runs)
  // The agent's cgroup tree (cgroups/manager.hpp): one per state directory, since recovery
  // removes what the tree holds that its store does not know.
  std::string cgroup_tree = "batchlet";
  std::filesystem::path shim_binary = "/proc/self/exe";
  base::Duration container_backoff_base = std::chrono::seconds(10);
  base::Duration container_backoff_cap = std::chrono::seconds(300);
  // The loop's longest sleep: run()'s `done` is called at least this often (a service manager's
  // watchdog is fed from it).
  base::Duration max_loop_sleep = std::chrono::seconds(30);
  runtime::RegistryConfig registry;   // image pulls: insecure registries, credentials, timeouts
  runtime::LogRotation log_rotation;  // containers' CRI logs (containerLogMaxSize/MaxFiles)
  // pids.max of every pod cgroup whose containers set no limit (the kubelet's podPidsLimit).
  std::optional<std::int64_t> pod_pids_limit;
  // Pods of one local user's namespace (namespace_owner.hpp) running at once; nullopt: no limit.
  std::optional<std::int64_t> user_max_pods;
  // The sums of limits.memory and limits.cpu of those running pods (agent/user_quota.hpp);
  // nullopt: no limit.
  std::optional<api::Quantity> user_max_memory;
  std::optional<api::Quantity> user_max_cpu;
};

class Agent {
 public:
  static base::Result<std::unique_ptr<Agent>> open(AgentOptions options, const base::Clock& clock);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  Store& store();
  EventSink& events();
  const std::string& node_name() const;
  // Add before run(); see the contract.
  void add_change_observer(std::function<void(const api::Change&)> observer);

  base::Status run(int stop_fd, const std::function<bool()>& done = {});
  // Makes the loop go round once more (e.g. after something `done` reads has changed).
  void wake();

  // Loop thread only.
  const Informer& informer() const;
  // Pods whose worker (containers) still runs.
  std::size_t active_pods() const;
  // After run() returned, for a node shutdown with eviction: ends every running pod (Failed,
  // DisruptionTarget TerminationByKubelet) within `limit`; see agent/pod_worker.hpp.
  void evict_pods(base::Duration limit);
  // Removes the (empty) cgroup tree: for an agent whose state goes with it (`batchlet run`).
  base::Status remove_cgroup_tree();

 private:
  class Impl;
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent
