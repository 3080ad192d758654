#include "agent/agent.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "agent/event_store.hpp"
#include "agent/garbage_collector.hpp"
#include "agent/job_sync.hpp"
#include "agent/namespace_deletion.hpp"
#include "agent/namespaces.hpp"
#include "agent/object_update.hpp"
#include "agent/pod_manager.hpp"
#include "agent/pod_writes.hpp"
#include "agent/pods_scope.hpp"
#include "agent/sync_queue.hpp"
#include "agent/ttl_after_finished.hpp"
#include "api/list_encode.hpp"
#include "api/names.hpp"
#include "api/rfc3339.hpp"
#include "base/unique_fd.hpp"
#include "cgroups/manager.hpp"
#include "runtime/image_store.hpp"

namespace agent {
namespace {

constexpr std::chrono::seconds kErrorRetry{1};
constexpr std::chrono::minutes kEventPruneInterval{10};

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace

class Agent::Impl {
 public:
  Impl(AgentOptions options, const base::Clock &clock, std::unique_ptr<Store> store,
       std::optional<runtime::ImageStore> images, std::optional<cgroups::Manager> cgroups,
       base::UniqueFd wake_fd)
      : options_(std::move(options)),
        clock_(clock),
        store_(std::move(store)),
        images_(std::move(images)),
        cgroups_(std::move(cgroups)),
        wake_fd_(std::move(wake_fd)),
        events_(*store_, clock_, options_.node_name),
        job_events_(events_),
        pod_control_(*store_, clock_, events_, options_.node_name),
        pod_status_(*store_),
        controller_(clock_, pod_control_, job_events_, options_.controller),
        syncer_(*store_, clock_, controller_, events_),
        gc_(*store_, clock_),
        pods_(clock_, pod_status_, events_, pod_manager_options()) {}

  PodManagerOptions pod_manager_options() {
    PodManagerOptions o;
    o.paths = options_.paths;
    o.images = images_ ? &*images_ : nullptr;
    o.cgroups = cgroups_ ? &*cgroups_ : nullptr;
    o.shim_binary = options_.shim_binary;
    o.node_name = options_.node_name;
    o.container_backoff_base = options_.container_backoff_base;
    o.container_backoff_cap = options_.container_backoff_cap;
    o.registry = options_.registry;
    o.log_rotation = options_.log_rotation;
    o.pod_pids_limit = options_.pod_pids_limit;
    o.user_max_pods = options_.user_max_pods;
    o.user_max_memory = options_.user_max_memory;
    o.user_max_cpu = options_.user_max_cpu;
    o.namespace_owner = [this](const std::string &name_space) {
      return agent::namespace_owner(*store_, name_space);
    };
    return o;
  }

  base::Status start() {
    store_->set_commit_listener([this](const api::Change &change) {
      for (const auto &observer : observers_) observer(change);
      {
        std::lock_guard lock(pending_mutex_);
        pending_.push_back(change);
      }
      wake();
    });
    auto jobs = store_->list(kJobsResource, std::nullopt);
    if (!jobs.ok()) return jobs.error().context("recover jobs");
    auto pods = store_->list(kPodsResource, std::nullopt);
    if (!pods.ok()) return pods.error().context("recover pods");
    informer_.reset(jobs->objects, pods->objects,
                    std::min(jobs->resource_version, pods->resource_version));
    std::vector<api::Pod> all_pods;
    for (const auto &object : pods->objects) {
      if (const CachedPod *pod = informer_.pod(object.uid)) all_pods.push_back(pod->pod);
    }
    if (auto recovered = pods_.recover(all_pods); !recovered.ok()) {
      return recovered.error().context("recover pods");
    }
    // Every pod the store holds gets its worker again (adopting what still runs).
    for (const api::Pod &pod : all_pods) {
      if (!pod.spec.node_name.empty()) pods_.sync(pod);
    }
    const base::TimePoint now = clock_.now();
    for (const CachedJob *job : informer_.jobs()) queue_.add(job->job.metadata.uid, now);
    for (const auto &object : pods->objects) {
      if (const CachedPod *pod = informer_.pod(object.uid)) {
        if (pod->controller && pod->controller->kind == "Job" &&
            informer_.job(pod->controller->uid) == nullptr) {
          log_error("collect pods of a deleted job", gc_.owner_gone({pod}));
        }
      }
    }
    last_prune_ = now;
    auto namespaces = store_->list("namespaces", std::nullopt);
    if (!namespaces.ok()) return namespaces.error().context("recover namespaces");
    for (const auto &object : namespaces->objects) note_namespace(object, false);
    return {};
  }

  // Namespaces being deleted are finalized by the loop (agent/namespace_deletion.hpp).
  void note_namespace(const api::StoredObject &object, bool deleted) {
    if (deleted) {
      terminating_.erase(object.key.name);
      return;
    }
    if (object.json.find("\"deletionTimestamp\"") != std::string::npos) {
      terminating_.insert(object.key.name);
    }
  }

  void finalize_namespaces() {
    for (auto it = terminating_.begin(); it != terminating_.end();) {
      auto done = finalize_namespace(*store_, clock_, *it);
      if (!done.ok()) {
        log_error("finalize namespace " + *it, base::Status(done.error()));
        ++it;
      } else if (*done) {
        it = terminating_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void wake() {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_.get(), &one, sizeof one);
  }

  base::Status run(int stop_fd, const std::function<bool()> &done) {
    for (;;) {
      drain_changes();
      const base::TimePoint now = clock_.now();
      for (const std::string &uid : queue_.pop_due(now)) sync_job(uid);
      if (!terminating_.empty()) finalize_namespaces();
      if (now - last_prune_ >= kEventPruneInterval) {
        events_.prune(now);
        last_prune_ = now;
      }
      if (has_pending()) continue;
      if (done && done()) return {};

      base::Duration sleep = options_.max_loop_sleep;
      if (auto due = queue_.next_due()) sleep = std::min(sleep, *due - clock_.now());
      if (sleep < base::Duration::zero()) sleep = base::Duration::zero();
      const auto ms = std::chrono::ceil<std::chrono::milliseconds>(sleep).count();
      pollfd fds[2] = {{wake_fd_.get(), POLLIN, 0}, {stop_fd, POLLIN, 0}};
      const int n = ::poll(fds, stop_fd >= 0 ? 2 : 1, static_cast<int>(ms));
      if (n < 0 && errno != EINTR) return base::Error::from_errno("agent loop: poll", errno);
      if (n > 0 && stop_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) return {};
      if (n > 0 && (fds[0].revents & POLLIN) != 0) {
        std::uint64_t count = 0;
        (void)!::read(wake_fd_.get(), &count, sizeof count);
      }
    }
  }

  bool has_pending() {
    std::lock_guard lock(pending_mutex_);
    return !pending_.empty();
  }

  void drain_changes() {
    std::deque<api::Change> changes;
    {
      std::lock_guard lock(pending_mutex_);
      changes.swap(pending_);
    }
    for (const api::Change &change : changes) {
      if (change.object.key.resource == "namespaces") {
        note_namespace(change.object, change.type == api::ChangeType::deleted);
        pods_.namespace_changed(change.object.key.name);
      }
      react(informer_.apply(change));
    }
  }

  void react(const InformerEvent &event) {
    using Kind = InformerEvent::Kind;
    const base::TimePoint now = clock_.now();
    switch (event.kind) {
      case Kind::none:
        return;
      case Kind::job_added:
      case Kind::job_spec_changed:
        queue_.add(event.uid, now);
        return;
      case Kind::job_status_changed:
        queue_.add(event.uid, now + options_.pod_event_batch);
        return;
      case Kind::job_deleted:
        controller_.forget(event.uid);
        queue_.remove(event.uid);
        log_error("collect pods of a deleted job",
                  gc_.owner_gone(informer_.pods_owned_by(event.uid)));
        return;
      case Kind::pod_added:
      case Kind::pod_changed:
        if (const CachedPod *pod = informer_.pod(event.uid)) {
          if (pod->pod.spec.node_name.empty()) {
            bind(*pod);
            return;  // the bound pod comes back as a change
          }
          pods_.sync(pod->pod);
          if (!event.owner_after.empty() && informer_.job(event.owner_after) == nullptr &&
              pod->controller && pod->controller->kind == "Job") {
            log_error("collect a pod of a deleted job", gc_.owner_gone({pod}));
          }
        }
        queue_owner(event.owner_before, event.name_space, now);
        if (event.owner_after != event.owner_before) {
          queue_owner(event.owner_after, event.name_space, now);
        }
        return;
      case Kind::pod_deleted:
        pods_.removed(event.uid);
        queue_owner(event.owner_before, event.name_space, now);
        return;
    }
  }

  void queue_owner(const std::string &owner_uid, const std::string &name_space,
                   base::TimePoint now) {
    if (!owner_uid.empty()) {
      if (informer_.job(owner_uid) != nullptr)
        queue_.add(owner_uid, now + options_.pod_event_batch);
      return;
    }
    // A pod without a controller: every Job of its namespace may want to adopt
    // it.
    for (const CachedJob *job : informer_.jobs_in(name_space)) {
      queue_.add(job->job.metadata.uid, now + options_.pod_event_batch);
    }
  }

  // There is no scheduler: a pod created without a node is bound to this one.
  void bind(const CachedPod &pod) {
    const std::string node = options_.node_name;
    const std::string now = api::format_time(clock_.now());
    auto bound =
        update_object(*store_, pod.key, pod.pod.metadata.uid, [&](nlohmann::ordered_json &o) {
          if (!o["spec"].value("nodeName", "").empty()) return Mutation::unchanged;
          o["spec"]["nodeName"] = node;
          auto &conditions = o["status"]["conditions"];
          if (!conditions.is_array()) conditions = nlohmann::ordered_json::array();
          conditions.push_back({{"type", "PodScheduled"},
                                {"status", "True"},
                                {"lastProbeTime", nullptr},
                                {"lastTransitionTime", now}});
          if (!o["status"].contains("phase")) o["status"]["phase"] = "Pending";
          return Mutation::changed;
        });
    if (!bound.ok()) {
      log_error("bind pod " + pod.key.name, bound.error());
      return;
    }
    if (bound->has_value()) {
      events_.record(
          involved_pod(pod.pod), "Normal", "Scheduled",
          "Successfully assigned " + pod.key.name_space + "/" + pod.key.name + " to " + node,
          "default-scheduler");
    }
  }

  void sync_job(const std::string &uid) {
    const CachedJob *job = informer_.job(uid);
    if (job == nullptr) return;
    const base::TimePoint now = clock_.now();
    if (job->job.metadata.deletion_timestamp) {
      auto collected = gc_.job_deleting(*job, informer_.pods_owned_by(uid));
      if (!collected.ok()) {
        log_error("collect job " + job->key.name, collected);
        queue_.add(uid, now + kErrorRetry);
      }
    }
    JobSyncOutcome outcome = syncer_.sync(*job, informer_.candidate_pods(*job));
    if (!outcome.error.ok()) {
      log_error("sync job " + job->key.name_space + "/" + job->key.name, outcome.error);
    }
    if (outcome.requeue_after) queue_.add(uid, clock_.now() + *outcome.requeue_after);
    collect_if_expired(*job);
  }

  // The TTL-after-finished controller (agent/ttl_after_finished.hpp): the job is synced again at
  // its expiry, and then deleted in the foreground.
  void collect_if_expired(const CachedJob &job) {
    const auto expiry = ttl_expiry(job.job);
    if (!expiry) return;
    const base::TimePoint now = clock_.now();
    if (*expiry > now) {
      queue_.add(job.job.metadata.uid, *expiry);
      return;
    }
    auto deleted = delete_expired_job(*store_, clock_, job);
    if (!deleted.ok()) {
      log_error("delete expired job " + job.key.name, deleted.error());
      queue_.add(job.job.metadata.uid, now + kErrorRetry);
    }
  }

  static void log_error(const std::string &what, const base::Status &status) {
    if (!status.ok()) spdlog::warn("{}: {}", what, status.error().message());
  }

  AgentOptions options_;
  const base::Clock &clock_;
  std::unique_ptr<Store> store_;
  std::optional<runtime::ImageStore> images_;
  std::optional<cgroups::Manager> cgroups_;
  base::UniqueFd wake_fd_;
  StoreEventSink events_;
  JobEventRecorder job_events_;
  StorePodControl pod_control_;
  StorePodStatus pod_status_;
  JobController controller_;
  JobSyncer syncer_;
  GarbageCollector gc_;
  PodManager pods_;
  Informer informer_;
  SyncQueue queue_;
  std::vector<std::function<void(const api::Change &)>> observers_;
  std::set<std::string> terminating_;  // namespaces being deleted
  std::mutex pending_mutex_;
  std::deque<api::Change> pending_;
  base::TimePoint last_prune_;
};

namespace {

// Under systemd with Delegate=yes, the cgroup of the pods' scope (see pods_scope.hpp); empty
// otherwise, or when systemd will not start it (the tree then goes in the unit's own cgroup).
std::string pods_scope_cgroup() {
  base::Result<cgroups::Discovery> found = cgroups::discover();
  if (!found.ok() || found->tree_mode != cgroups::TreeMode::systemd_delegated) return {};
  base::Result<std::string> scope = open_pods_scope(*found);
  if (!scope.ok()) {
    spdlog::warn(
        "cgroups: {}; the pods' cgroups go in the unit's own cgroup, where `systemctl restart` "
        "fails while pods run",
        scope.error().message());
    return {};
  }
  return std::move(scope).value();
}

}  // namespace

base::Result<std::unique_ptr<Agent>> Agent::open(AgentOptions options, const base::Clock &clock) {
  if (options.node_name.empty()) options.node_name = host_name();
  const base::Paths &paths = options.paths;
  std::error_code ec;
  std::filesystem::create_directories(paths.state_dir(), ec);
  if (ec)
    return base::Error("create state directory " + paths.state_dir().string() + ": " +
                       ec.message());

  auto store = Store::open(paths.state_db());
  if (!store.ok()) return store.error();
  if (auto ns = ensure_namespace(**store, clock, "default"); !ns.ok()) {
    return ns.error().context("create namespace default");
  }
  auto images = runtime::ImageStore::open(paths.images_dir());
  if (!images.ok()) return images.error();
  std::optional<cgroups::Manager> cgroups;
  if (options.use_cgroups) {
    cgroups::ManagerOptions cgroup_options;
    cgroup_options.tree_name = options.cgroup_tree;
    cgroup_options.discover.delegated_scope = pods_scope_cgroup();
    auto manager = cgroups::Manager::open(cgroup_options);
    if (manager.ok()) {
      cgroups.emplace(std::move(*manager));
      if (cgroups->discovery().tree_mode == cgroups::TreeMode::systemd_scope) {
        if (auto kept = ensure_scope_keeper(*cgroups); !kept.ok()) {
          spdlog::warn("cgroups: the pods' scope may end between pods: {}", kept.error().message());
        }
      }
    } else {
      spdlog::warn("cgroups unavailable, pods run without limits: {}", manager.error().message());
    }
  }
  base::UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) return base::Error::from_errno("agent: eventfd", errno);

  auto impl = std::make_unique<Impl>(std::move(options), clock, std::move(*store),
                                     std::move(*images), std::move(cgroups), std::move(wake));
  if (auto started = impl->start(); !started.ok()) return started.error();
  return std::unique_ptr<Agent>(new Agent(std::move(impl)));
}

Agent::Agent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Agent::~Agent() = default;

Store &Agent::store() { return *impl_->store_; }
EventSink &Agent::events() { return impl_->events_; }
const std::string &Agent::node_name() const { return impl_->options_.node_name; }
void Agent::add_change_observer(std::function<void(const api::Change &)> observer) {
  impl_->observers_.push_back(std::move(observer));
}
base::Status Agent::run(int stop_fd, const std::function<bool()> &done) {
  return impl_->run(stop_fd, done);
}
void Agent::wake() { impl_->wake(); }
const Informer &Agent::informer() const { return impl_->informer_; }
std::size_t Agent::active_pods() const { return impl_->pods_.active_pods(); }
void Agent::evict_pods(base::Duration limit) {
  impl_->pods_.evict_all(limit);
  impl_->events_.flush();
}
base::Status Agent::remove_cgroup_tree() {
  if (!impl_->cgroups_) return {};
  return impl_->cgroups_->tree().destroy();
}

}  // namespace agent
