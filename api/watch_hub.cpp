#include "api/watch_hub.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "api/status.hpp"

namespace api {

namespace {

std::string_view type_name(ChangeType type) {
  switch (type) {
    case ChangeType::added:
      return "ADDED";
    case ChangeType::modified:
      return "MODIFIED";
    case ChangeType::deleted:
      return "DELETED";
  }
  return "MODIFIED";
}

}  // namespace

// One watcher. While it starts (snapshot / replay) live changes are buffered in `pending`;
// afterwards they are delivered directly. `delivered_through` makes delivery idempotent, so the
// overlap between the replay and the buffer is harmless.
struct WatchHub::Watcher {
  WatchRequest request;
  std::shared_ptr<WatchSink> sink;
  std::mutex mutex;
  bool live = false;
  bool stopped = false;
  ResourceVersion delivered_through = 0;
  std::deque<Change> pending;
  // Keys of objects this watcher currently sees through its filter, so an object that starts or
  // stops matching becomes ADDED / DELETED, as the API server's watch cache reports it.
  std::set<std::pair<std::string, std::string>> visible;

  bool wants(const StoredObject& object) const {
    if (object.key.resource != request.resource) return false;
    if (request.name_space && object.key.name_space != *request.name_space) return false;
    return true;
  }

  // Called with `mutex` held.
  void deliver(const Change& change) {
    if (stopped || change.object.resource_version <= delivered_through) return;
    delivered_through = change.object.resource_version;
    if (!wants(change.object)) return;
    const bool passes = !request.filter || request.filter(change.object);
    const auto key = std::make_pair(change.object.key.name_space, change.object.key.name);
    const bool was_visible = visible.count(key) > 0;
    if (change.type == ChangeType::deleted) {
      if (was_visible || passes) sink->event("DELETED", change.object);
      visible.erase(key);
      return;
    }
    if (passes) {
      // An object we never saw pass (a resumed watch) and that was not just created was
      // presumably visible before: report the change itself.
      const bool added = change.type == ChangeType::added || (!was_visible && live_snapshot);
      sink->event(added ? "ADDED" : type_name(change.type), change.object);
      visible.insert(key);
    } else if (was_visible) {
      sink->event("DELETED", change.object);
      visible.erase(key);
    }
  }

  bool live_snapshot = false;  // started from a snapshot: every visible object is known
};

class WatchHub::Handle : public Watch {
 public:
  Handle(WatchHub& hub, std::shared_ptr<Watcher> watcher)
      : hub_(hub), watcher_(std::move(watcher)) {}
  ~Handle() override { stop(); }
  void stop() override {
    if (!watcher_) return;
    {
      std::lock_guard lock(watcher_->mutex);
      watcher_->stopped = true;
    }
    hub_.remove(watcher_);
    watcher_.reset();
  }

 private:
  WatchHub& hub_;
  std::shared_ptr<Watcher> watcher_;
};

WatchHub::WatchHub(ObjectStore& store, std::size_t max_pending)
    : store_(store), max_pending_(max_pending) {}

WatchHub::~WatchHub() = default;

std::size_t WatchHub::watcher_count() const {
  std::lock_guard lock(mutex_);
  return watchers_.size();
}

void WatchHub::remove(const std::shared_ptr<Watcher>& watcher) {
  std::lock_guard lock(mutex_);
  std::erase(watchers_, watcher);
}

void WatchHub::publish(const Change& change) {
  std::vector<std::shared_ptr<Watcher>> watchers;
  {
    std::lock_guard lock(mutex_);
    watchers = watchers_;
  }
  for (const auto& watcher : watchers) {
    bool too_slow = false;
    {
      std::lock_guard lock(watcher->mutex);
      if (watcher->stopped) continue;
      if (watcher->live) {
        watcher->deliver(change);
      } else if (watcher->pending.size() >= max_pending_) {
        watcher->stopped = true;
        too_slow = true;
      } else {
        watcher->pending.push_back(change);
      }
    }
    if (too_slow) {
      watcher->sink->close();
      remove(watcher);
    }
  }
}

base::Result<std::unique_ptr<Watch>> WatchHub::watch(WatchRequest request,
                                                     std::shared_ptr<WatchSink> sink) {
  auto watcher = std::make_shared<Watcher>();
  watcher->request = std::move(request);
  watcher->sink = std::move(sink);
  {
    std::lock_guard lock(mutex_);
    watchers_.push_back(watcher);  // buffering from here on: nothing can fall in a gap
  }
  auto handle = std::make_unique<Handle>(*this, watcher);

  const auto from = watcher->request.from_resource_version;
  ResourceVersion replay_from = 0;
  if (!from || *from == 0) {
    auto snapshot = store_.list(watcher->request.resource, watcher->request.name_space);
    if (!snapshot.ok()) return snapshot.error().context("start watch");
    std::lock_guard lock(watcher->mutex);
    watcher->live_snapshot = true;
    for (const auto& object : snapshot->objects) {
      if (watcher->request.filter && !watcher->request.filter(object)) continue;
      watcher->sink->event("ADDED", object);
      watcher->visible.emplace(object.key.name_space, object.key.name);
    }
    watcher->delivered_through = snapshot->resource_version;
    replay_from = snapshot->resource_version;
  } else {
    replay_from = *from;
    std::lock_guard lock(watcher->mutex);
    watcher->delivered_through = *from;
  }

  // Changes committed after the starting point that the buffer may have missed (it only
  // started when this watcher was registered).
  for (;;) {
    auto changes = store_.changes_since(replay_from);
    if (!changes.ok()) return changes.error().context("start watch");
    if (changes->expired) {
      const std::string message = "too old resource version: " + std::to_string(replay_from) +
                                  " (" + std::to_string(changes->resource_version) + ")";
      watcher->sink->error(encode_status(failure_status(410, "Expired", message)));
      handle->stop();
      watcher->sink->close();
      return std::unique_ptr<Watch>(std::move(handle));
    }
    if (changes->changes.empty()) break;
    std::lock_guard lock(watcher->mutex);
    for (const auto& change : changes->changes) watcher->deliver(change);
    replay_from = changes->changes.back().object.resource_version;
  }
  std::lock_guard lock(watcher->mutex);
  while (!watcher->pending.empty()) {
    watcher->deliver(watcher->pending.front());
    watcher->pending.pop_front();
  }
  watcher->live = true;
  return std::unique_ptr<Watch>(std::move(handle));
}

}  // namespace api
