#include "agent/pod_manager.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "agent/pod_objects.hpp"
#include "agent/pod_worker.hpp"
#include "agent/user_quota.hpp"
#include "cgroups/manager.hpp"

namespace agent {

class PodManager::Impl {
 public:
  Impl(const base::Clock& clock, PodStatusSink& status, EventSink& events,
       PodManagerOptions options)
      : options_(std::move(options)) {
    if (options_.node_name.empty()) options_.node_name = "localhost";
    quota_.max_pods = options_.user_max_pods;
    quota_.max_memory = options_.user_max_memory;
    quota_.max_cpu = options_.user_max_cpu;
    deps_ = PodWorkerDeps{&clock, &status, &events, &options_};
  }

  ~Impl() {
    // Workers go without touching their containers: the next agent adopts them.
    for (auto& [uid, worker] : workers_) worker->detach();
    workers_.clear();
  }

  base::Status recover(const std::vector<api::Pod>& pods) {
    std::set<std::string> known;
    for (const api::Pod& pod : pods) {
      known.insert(pod.metadata.uid);
      names_[pod.metadata.uid] = {pod.metadata.namespace_, pod.metadata.name};
    }
    auto found = runtime::recover_containers(options_.paths.pods_dir());
    if (!found.ok()) return found.error().context("recover containers");
    for (runtime::RecoveredContainer& rc : *found) {
      const std::string container = rc.state_dir.filename().string();
      const std::string pod_uid = rc.state_dir.parent_path().filename().string();
      if (known.count(pod_uid)) {
        recovered_[pod_uid].emplace(container, std::move(rc));
        continue;
      }
      // A container of a pod the store does not know: it must not run on.
      if (rc.state == runtime::RecoveredContainer::State::running && rc.handle) {
        spdlog::warn("recover: stopping container {} of unknown pod {}", container, pod_uid);
        (void)runtime::stop_container(*rc.handle, base::Duration::zero());
        (void)runtime::wait_container(*rc.handle);
      }
    }
    // Pod directories of unknown pods go too.
    std::error_code ec;
    if (std::filesystem::exists(options_.paths.pods_dir(), ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(options_.paths.pods_dir(), ec)) {
        if (!known.count(entry.path().filename().string())) {
          std::filesystem::remove_all(entry.path(), ec);
        }
      }
    }
    if (options_.cgroups != nullptr) {
      auto report = options_.cgroups->recover(known, true);
      if (!report.ok()) spdlog::warn("recover cgroups: {}", report.error().message());
    }
    return {};
  }

  void sync(const api::Pod& pod) {
    reap();
    start_queued();
    const std::string& uid = pod.metadata.uid;
    names_[uid] = {pod.metadata.namespace_, pod.metadata.name};
    if (auto it = workers_.find(uid); it != workers_.end()) {
      if (it->second->update(pod)) return;
      workers_.erase(it);  // it ended its script just now: handled below like any ended pod
    }
    const bool terminal =
        pod.status.phase == api::kPodSucceeded || pod.status.phase == api::kPodFailed;
    auto adopted = recovered_.extract(uid);
    if (terminal && (adopted.empty() || !has_running(adopted.mapped()))) {
      // Deleted while (or after) its worker ended it, e.g. by the pod's own deadline: nothing
      // runs any more, so the kubelet's part of the deletion is done.
      if (pod.metadata.deletion_timestamp && pod.metadata.deletion_grace_period_seconds != 0) {
        if (auto done = deps_.status->finish_deletion(pod); !done.ok()) {
          spdlog::warn("pod {}: {}", pod.metadata.name, done.error().message());
        }
      }
      return;
    }
    // Its worker ended without making it terminal (it was detached, or stopped on a deletion):
    // only a deletion brings a worker back, to stop what runs and finish the deletion.
    if (started_.count(uid) && !pod.metadata.deletion_timestamp) return;
    // A new pod of a user over their quota, or behind an older one of theirs that waits, waits
    // too (keeping its place in the line); one that runs already (adopted) or is being deleted
    // never does.
    auto waiting = std::find_if(queued_.begin(), queued_.end(),
                                [&](const Waiting& q) { return q.pod.metadata.uid == uid; });
    if (adopted.empty() && !pod.metadata.deletion_timestamp && must_wait(pod, waiting)) {
      if (waiting == queued_.end()) {
        queued_.push_back({pod, pod_quota_usage(pod.spec)});
      } else {
        waiting->pod = pod;
      }
      return;
    }
    if (waiting != queued_.end()) queued_.erase(waiting);
    std::map<std::string, runtime::RecoveredContainer> containers;
    if (!adopted.empty()) containers = std::move(adopted.mapped());
    start_worker(pod, std::move(containers));
  }

  void removed(const std::string& uid) {
    if (auto it = workers_.find(uid); it != workers_.end()) {
      it->second->kill_now();
      workers_.erase(it);  // joins
    }
    started_.erase(uid);
    recovered_.erase(uid);
    std::erase_if(queued_, [&](const Waiting& q) { return q.pod.metadata.uid == uid; });
    usage_.erase(uid);
    std::error_code ec;
    std::filesystem::remove_all(options_.paths.pod_dir(uid), ec);
    if (auto name = names_.find(uid); name != names_.end()) {
      const auto log =
          options_.paths.container_log(name->second.first, name->second.second, uid, "x", 0);
      std::filesystem::remove_all(log.parent_path().parent_path(), ec);
      names_.erase(name);
    }
    if (options_.cgroups != nullptr) remove_pod_cgroup(uid);
    start_queued();
  }

  void namespace_changed(const std::string& name_space) { owned_.erase(name_space); }

  std::size_t active_pods() const {
    std::size_t n = 0;
    for (const auto& [uid, worker] : workers_) n += worker->finished() ? 0 : 1;
    return n;
  }

  void evict_all(base::Duration limit) {
    for (auto& [uid, worker] : workers_) worker->evict_for_shutdown();
    // Real time: the workers stop real processes, whatever clock the agent runs on.
    const auto end = std::chrono::steady_clock::now() + limit;
    while (active_pods() > 0 && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  // A new pod waiting for its user's quota, with what it will count against it.
  struct Waiting {
    api::Pod pod;
    PodQuotaUsage usage;
  };

  static bool has_running(const std::map<std::string, runtime::RecoveredContainer>& containers) {
    for (const auto& [name, rc] : containers) {
      if (rc.state == runtime::RecoveredContainer::State::running) return true;
    }
    return false;
  }

  void start_worker(const api::Pod& pod,
                    std::map<std::string, runtime::RecoveredContainer> containers) {
    started_.insert(pod.metadata.uid);
    usage_[pod.metadata.uid] = pod_quota_usage(pod.spec);
    workers_.emplace(pod.metadata.uid,
                     std::make_unique<PodWorker>(deps_, pod, std::move(containers)));
  }

  // Whether a local user owns `name_space` (namespace_owner.hpp), cached until the namespace
  // object changes (namespace_changed()). A namespace whose owner cannot be looked up counts as
  // no user's and is not cached: its worker reports that error on the pod.
  bool owned(const std::string& name_space) {
    if (auto it = owned_.find(name_space); it != owned_.end()) return it->second;
    auto owner = options_.namespace_owner(name_space);
    if (!owner.ok()) return false;
    return owned_[name_space] = owner->has_value();
  }

  bool quota_applies(const std::string& name_space) {
    const bool any = options_.user_max_pods || options_.user_max_memory || options_.user_max_cpu;
    return any && options_.namespace_owner && owned(name_space);
  }

  // What the live workers of `name_space` count against its quotas.
  QuotaUsage used_in(const std::string& name_space) const {
    QuotaUsage used;
    for (const auto& [uid, worker] : workers_) {
      auto name = names_.find(uid);
      auto usage = usage_.find(uid);
      if (!worker->finished() && name != names_.end() && name->second.first == name_space &&
          usage != usage_.end()) {
        used.add(usage->second);
      }
    }
    return used;
  }

  // A waiting pod holds back the younger ones of its namespace (oldest first) unless it could
  // never start, not even alone (a Job admitted before the quota was set).
  bool holds_line(const Waiting& waiting) const {
    return fits(quota_, QuotaUsage{}, waiting.usage);
  }

  // True when the pod at `position` of the line (end(): a new pod) must wait: its namespace is a
  // local user's and an older pod of theirs waits, or it would take them over a quota.
  bool must_wait(const api::Pod& pod, std::vector<Waiting>::const_iterator position) {
    const std::string& name_space = pod.metadata.namespace_;
    if (!quota_applies(name_space)) return false;
    for (auto it = queued_.cbegin(); it != position; ++it) {
      if (it->pod.metadata.namespace_ == name_space && holds_line(*it)) return true;
    }
    return !fits(quota_, used_in(name_space), pod_quota_usage(pod.spec));
  }

  // Starts the waiting pods that fit now, oldest first within each namespace.
  void start_queued() {
    reap();
    if (queued_.empty()) return;
    std::vector<Waiting> waiting = std::move(queued_);
    queued_.clear();
    std::map<std::string, QuotaUsage> used;  // namespace -> live workers' usage
    std::set<std::string> blocked;           // namespaces whose oldest waiting pod still waits
    for (Waiting& w : waiting) {
      const std::string& name_space = w.pod.metadata.namespace_;
      if (quota_applies(name_space)) {
        auto at = used.find(name_space);
        if (at == used.end()) at = used.emplace(name_space, used_in(name_space)).first;
        if (blocked.count(name_space) || !fits(quota_, at->second, w.usage)) {
          if (holds_line(w)) blocked.insert(name_space);
          queued_.push_back(std::move(w));
          continue;
        }
        at->second.add(w.usage);
      }
      start_worker(w.pod, {});
    }
  }

  // Joins workers that are done (their pods are terminal or gone).
  void reap() {
    for (auto it = workers_.begin(); it != workers_.end();) {
      it = it->second->finished() ? workers_.erase(it) : std::next(it);
    }
  }

  void remove_pod_cgroup(const std::string& uid) {
    auto jobs = options_.cgroups->tree().children();
    if (!jobs.ok()) return;
    for (const std::string& job : *jobs) {
      auto job_cg = options_.cgroups->tree().open_child(job);
      if (!job_cg.ok()) continue;
      auto pod_cg = job_cg->open_child(uid);
      if (!pod_cg.ok()) continue;
      if (auto gone = pod_cg->destroy(); !gone.ok()) {
        spdlog::warn("remove cgroup of pod {}: {}", uid, gone.error().message());
      }
      if (auto left = job_cg->children(); left.ok() && left->empty()) (void)job_cg->destroy();
    }
  }

  PodManagerOptions options_;
  PodWorkerDeps deps_;
  std::map<std::string, std::unique_ptr<PodWorker>> workers_;
  std::map<std::string, std::map<std::string, runtime::RecoveredContainer>> recovered_;
  std::set<std::string> started_;
  UserQuota quota_;
  std::vector<Waiting> queued_;                 // oldest first
  std::map<std::string, PodQuotaUsage> usage_;  // of the pods with a worker, by uid
  std::map<std::string, bool> owned_;           // namespace -> a local user's (owned())
  std::map<std::string, std::pair<std::string, std::string>> names_;  // uid -> (ns, name)
};

PodManager::PodManager(const base::Clock& clock, PodStatusSink& status, EventSink& events,
                       PodManagerOptions options)
    : impl_(std::make_unique<Impl>(clock, status, events, std::move(options))) {}
PodManager::~PodManager() = default;
base::Status PodManager::recover(const std::vector<api::Pod>& pods) { return impl_->recover(pods); }
void PodManager::sync(const api::Pod& pod) { impl_->sync(pod); }
void PodManager::removed(const std::string& pod_uid) { impl_->removed(pod_uid); }
void PodManager::namespace_changed(const std::string& name_space) {
  impl_->namespace_changed(name_space);
}
std::size_t PodManager::active_pods() const { return impl_->active_pods(); }
void PodManager::evict_all(base::Duration limit) { impl_->evict_all(limit); }

}  // namespace agent
