// agent/pod_manager.hpp: the kubelet of batchlet — the only bridge between Pod objects and
// runtime/ + cgroups/ (design.md). Interface fixed by the lead; see the contract.
//
// What it does for every Pod object it is given (spec §6):
// - prepares the pod: image decision and resolution (agent/image_pull.hpp, runtime image store;
//   the image "batchlet.local/host" is the host's own filesystem), the pod directory
//   (pods/<uid>/), emptyDir volumes, the pod cgroup (when a cgroups::Manager is given);
// - runs the init containers one after the other, then the containers, each under its own shim
//   (runtime/shim_client.hpp) with a ContainerSpec built from the pod (env with downward-API
//   fieldRefs, volumes, security context, resources as limits, hostname, termination message);
// - applies restartPolicy: Never (the pod ends when its containers have ended), OnFailure
//   (a failed container restarts in place after the kubelet's crash-loop backoff,
//   agent/backoff.hpp ContainerBackoff; restartCount grows), Always (restart always; accepted
//   for bare pods);
// - keeps the pod's status as the kubelet does (phase, conditions PodReadyToStartContainers,
//   Initialized, ContainersReady, Ready, PodScheduled; containerStatuses/initContainerStatuses
//   with waiting/running/terminated states, reasons ContainerCreating, PodInitializing,
//   CrashLoopBackOff, Completed, Error, OOMKilled, StartError, ErrImagePull, ...; lastState,
//   restartCount, startedAt/finishedAt, exitCode, containerID, imageID), writing each change
//   through PodStatusSink;
// - records the kubelet's pod events (Scheduled is the agent's; Pulling, Pulled, Created,
//   Started, Killing, BackOff, Failed) through EventSink, component "kubelet";
// - on deletion (metadata.deletionTimestamp set) stops the containers: SIGTERM, then SIGKILL
//   after the pod's grace period (metadata.deletionGracePeriodSeconds), writes the final status
//   (phase Failed unless every container succeeded; a pod that had not started stays as it was
//   with its containers terminated) and calls PodStatusSink::finish_deletion;
// - activeDeadlineSeconds of the pod: kills it with phase Failed, reason DeadlineExceeded.
//
// Contract:
// - sync() is called with the current object for every add or change of a pod, in any number,
//   from the agent's loop thread; it never blocks on a container: each live pod has a worker
//   thread (the kubelet's pod workers) that runs its linear script and owns its containers.
// - A terminal pod (phase Succeeded/Failed) is never started again, also after a restart.
// - recover() is called once, before the first sync(), with every pod in the store: running
//   containers of those pods are adopted (not restarted) and their workers resume where the
//   persisted status and the containers' state directories say they are; exits that happened
//   while the agent was down are applied once. Containers, pod directories and cgroups that
//   belong to no pod in the list are killed and removed.
// - removed() is called when the object is gone from the store: anything still running is
//   killed at once, and the pod's directory, cgroup and logs are removed.
// - Quotas of a local user's namespace (user_max_pods, user_max_memory, user_max_cpu): a new pod
//   that would take the pods running there over one waits, Pending, with no worker; waiting
//   pods start oldest first (per namespace) as running ones end. A pod that would not fit even
//   alone waits without holding back younger ones. Who owns a namespace is cached until
//   namespace_changed() names it.
// - The destructor stops the workers without stopping containers (the next agent adopts them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/event_sink.hpp"
#include "agent/namespace_owner.hpp"
#include "api/pod.hpp"
#include "api/quantity.hpp"
#include "base/clock.hpp"
#include "base/paths.hpp"
#include "base/result.hpp"
#include "runtime/cri_log.hpp"
#include "runtime/registry_client.hpp"

namespace cgroups {
class Manager;
}
namespace runtime {
class ImageStore;
}

namespace agent {

// Where the pod manager's writes go (implemented by the agent over the store).
class PodStatusSink {
 public:
  virtual ~PodStatusSink() = default;
  // Replaces the status of the pod with pod.metadata.uid by pod.status (a pod that is gone is
  // not an error: the write is dropped).
  virtual base::Status update_status(const api::Pod& pod) = 0;
  // The pod's containers are stopped and its final status written: the kubelet's delete with
  // grace period 0 (the object goes once its finalizers are gone).
  virtual base::Status finish_deletion(const api::Pod& pod) = 0;
};

struct PodManagerOptions {
  base::Paths paths;
  runtime::ImageStore* images = nullptr;  // null: only the host image can run
  cgroups::Manager* cgroups = nullptr;    // null: no cgroups (processes are tracked by group)
  std::filesystem::path shim_binary = "/proc/self/exe";
  std::string node_name;  // spec.nodeName of the pods; "" = the host name
  std::string host_ip = "127.0.0.1";
  runtime::RegistryConfig registry;  // insecure registries, credentials, timeouts for pulls
  // The kubelet's crash-loop backoff (10 s doubling to 300 s); tests shorten it.
  base::Duration container_backoff_base = std::chrono::seconds(10);
  base::Duration container_backoff_cap = std::chrono::seconds(300);
  runtime::LogRotation log_rotation;
  std::optional<std::int64_t> pod_pids_limit;  // pids.max of pods that set no limit
  // The local user a namespace belongs to (namespace_owner.hpp), asked when a container
  // starts; empty: pods run as their manifests say.
  std::function<base::Result<std::optional<NamespaceOwner>>(const std::string& name_space)>
      namespace_owner;
  // At most this many pods of one owned namespace run at once; the others wait (Pending) and
  // start, oldest first, as running ones end. nullopt: no limit.
  std::optional<std::int64_t> user_max_pods;
  // The same for the sums of the running pods' limits.memory and limits.cpu (counted as
  // agent/user_quota.hpp says; a pod without the limit counts zero). nullopt: no limit.
  std::optional<api::Quantity> user_max_memory;
  std::optional<api::Quantity> user_max_cpu;
};

class PodManager {
 public:
  PodManager(const base::Clock& clock, PodStatusSink& status, EventSink& events,
             PodManagerOptions options);
  ~PodManager();
  PodManager(const PodManager&) = delete;
  PodManager& operator=(const PodManager&) = delete;

  base::Status recover(const std::vector<api::Pod>& pods);
  void sync(const api::Pod& pod);
  void removed(const std::string& pod_uid);
  // The namespace object changed or is gone: whose it is is looked up again.
  void namespace_changed(const std::string& name_space);

  // Pods with a live worker.
  std::size_t active_pods() const;

  // Node shutdown with eviction: every live worker ends its pod as PodWorker::evict_for_shutdown
  // says; returns once all have finished or `limit` passed.
  void evict_all(base::Duration limit);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent
