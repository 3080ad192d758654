// agent/pod_worker.hpp: one pod's life on this node, run by its own thread as one linear script
// (the kubelet's pod worker): prepare, init containers in order, the containers with their
// restart policy, and the end — completion, deletion or the pod's deadline.
//
// Contract:
// - The worker owns the pod's containers while it runs. It learns of changes to the Pod object
//   through update() (deletion shows as metadata.deletionTimestamp) and is stopped by
//   kill_now() (the object is gone: containers die at once) or detach() (the agent stops:
//   containers keep running for the next agent to adopt); evict_for_shutdown() ends the pod
//   as a node shutdown does.
// - Every status change goes out through PodStatusSink before the worker acts on the next
//   thing, so a crash loses at most the last transition, which recovery re-derives from the
//   containers' state directories (exit.json is the truth).
// - restartPolicy Never: a container that has run (its state directory has a spec.json) is
//   never started again, also across agent restarts.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "agent/event_sink.hpp"
#include "agent/pod_manager.hpp"
#include "agent/readiness_prober.hpp"
#include "api/pod.hpp"
#include "base/clock.hpp"
#include "base/unique_fd.hpp"
#include "runtime/shim_client.hpp"

namespace agent {

struct PodWorkerDeps {
  const base::Clock* clock = nullptr;
  PodStatusSink* status = nullptr;
  EventSink* events = nullptr;
  const PodManagerOptions* options = nullptr;
};

class PodWorker {
 public:
  // `adopted`: containers of this pod found running or exited by recovery, by container name.
  PodWorker(PodWorkerDeps deps, api::Pod pod,
            std::map<std::string, runtime::RecoveredContainer> adopted);
  ~PodWorker();  // detach() + join
  PodWorker(const PodWorker&) = delete;
  PodWorker& operator=(const PodWorker&) = delete;

  // False once the worker has ended its script: the caller then deals with the pod itself.
  bool update(const api::Pod& pod);
  void kill_now();
  void detach();
  // The node shuts down (`batchlet serve --evict-on-shutdown`): the containers are stopped with
  // the pod's grace period and the pod ends Failed, reason Terminated, with the condition
  // DisruptionTarget (reason TerminationByKubelet), as the kubelet's graceful node shutdown.
  void evict_for_shutdown();
  bool finished() const { return finished_; }

 private:
  struct Live {
    runtime::ContainerHandle handle;
    bool init = false;
    std::unique_ptr<ReadinessProber> prober;  // a container with an exec readiness probe
  };
  enum class Wake { exit, update, timer, stop };

  void run();
  void script();
  bool prepare();
  // hostPath type checks and creation (runtime/host_path.hpp), retried until they pass.
  bool set_up_volumes();
  bool resolve_images();
  // Waits until `retry`; false when the worker stops or the pod is being deleted (finished).
  bool wait_to_retry(base::TimePoint retry);
  bool run_init_containers();
  void run_containers();
  bool start(const api::Container& c, bool init);
  // `lost`: the shim died without recording the exit (reason ContainerStatusUnknown).
  void record_exit(const api::Container& c, bool init, const runtime::ExitStatus& exit,
                   bool lost = false);
  void stop_all(base::Duration grace, bool killing_event);
  // Probes that are due start; probes that ended update readiness (and record Unhealthy).
  void run_probes(base::TimePoint now);
  // `ready`: what the container's status said before (adopted containers keep it).
  void start_prober(const std::string& name, std::optional<runtime::ContainerSpec> spec,
                    bool ready);
  const api::Container* container_named(const std::string& name) const;
  void finish_terminal(const std::string& reason, const std::string& message);
  void finish_deletion();
  // After a wait: true when evict_for_shutdown() was called (the pod is then finished).
  bool evicted_for_shutdown();
  Wake wait(std::optional<base::TimePoint> until);
  // After a wait: true when the pod's run ends here — the worker stops, the node shuts down
  // (evict_for_shutdown), or the pod is being deleted (its deletion is then finished).
  bool run_ends(Wake w);
  void write_status();
  void event(const api::Container* c, bool init, std::string_view type, std::string_view reason,
             const std::string& message);
  api::Pod snapshot();
  bool deleting();
  std::optional<base::TimePoint> deadline() const;

  PodWorkerDeps deps_;
  std::mutex mutex_;
  api::Pod latest_;  // the newest object (guarded by mutex_)
  api::Pod pod_;     // the worker's copy: spec as started, status as it writes it
  std::map<std::string, runtime::RecoveredContainer> adopted_;
  std::map<std::string, Live> live_;  // by container name
  std::map<std::string, const runtime::ResolvedImage*> images_;
  std::map<std::string, runtime::ResolvedImage> resolved_;
  std::map<std::string, std::optional<base::TimePoint>> restart_at_;
  std::map<std::string, std::pair<base::Duration, std::optional<base::TimePoint>>> backoff_;
  std::string cgroup_relative_;  // the pod cgroup, relative to the cgroup2 mount
  base::UniqueFd wake_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> kill_{false};
  std::atomic<bool> evict_{false};
  std::atomic<bool> finished_{false};
  bool closed_ = false;  // guarded by mutex_: update() is refused
  std::thread thread_;
};

}  // namespace agent
