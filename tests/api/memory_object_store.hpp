// tests/api/memory_object_store.hpp: an in-memory api::ObjectStore for unit tests of the API
// layer (the real one, agent::Store on SQLite, is tested in tests/agent). It keeps the whole
// contract: one growing resourceVersion, preconditions, an ordered change log with retention,
// and a listener called after each write, as the store's commit listener is.
#pragma once

#include <functional>
#include <map>
#include <mutex>

#include "api/object_store.hpp"

namespace api_test {

class MemoryObjectStore : public api::ObjectStore {
 public:
  explicit MemoryObjectStore(std::size_t retention = 1000) : retention_(retention) {}

  std::function<void(const api::Change&)> listener;

  base::Result<api::WriteResult> create(const api::ObjectKey& key, const std::string& uid,
                                        const api::Render& render) override {
    return write(key, api::ChangeType::added, uid, {}, render);
  }
  base::Result<api::WriteResult> update(const api::ObjectKey& key,
                                        const api::Preconditions& preconditions,
                                        const api::Render& render) override {
    return write(key, api::ChangeType::modified, {}, preconditions, render);
  }
  base::Result<api::WriteResult> remove(const api::ObjectKey& key,
                                        const api::Preconditions& preconditions,
                                        const api::Render& render) override {
    return write(key, api::ChangeType::deleted, {}, preconditions, render);
  }
  base::Result<std::optional<api::StoredObject>> get(const api::ObjectKey& key) override {
    std::lock_guard lock(mutex_);
    auto found = objects_.find(ordering(key));
    if (found == objects_.end()) return std::optional<api::StoredObject>();
    return std::optional<api::StoredObject>(found->second);
  }
  base::Result<api::ListResult> list(const std::string& resource,
                                     const std::optional<std::string>& name_space) override {
    std::lock_guard lock(mutex_);
    api::ListResult result;
    result.resource_version = rv_;
    for (const auto& [order, object] : objects_) {
      if (object.key.resource != resource) continue;
      if (name_space && object.key.name_space != *name_space) continue;
      result.objects.push_back(object);
    }
    return result;
  }
  base::Result<api::ChangesResult> changes_since(api::ResourceVersion since,
                                                 std::size_t limit) override {
    std::lock_guard lock(mutex_);
    api::ChangesResult result;
    result.resource_version = rv_;
    if (since < compacted_) {
      result.expired = true;
      return result;
    }
    for (const auto& change : log_) {
      if (change.object.resource_version > since && result.changes.size() < limit) {
        result.changes.push_back(change);
      }
    }
    return result;
  }
  base::Result<api::ResourceVersion> current_resource_version() override {
    std::lock_guard lock(mutex_);
    return rv_;
  }

 private:
  using Order = std::tuple<std::string, std::string, std::string>;
  static Order ordering(const api::ObjectKey& key) {
    return {key.resource, key.name_space, key.name};
  }

  base::Result<api::WriteResult> write(const api::ObjectKey& key, api::ChangeType type,
                                       const std::string& uid,
                                       const api::Preconditions& preconditions,
                                       const api::Render& render) {
    std::unique_lock lock(mutex_);
    auto found = objects_.find(ordering(key));
    if (type == api::ChangeType::added && found != objects_.end()) {
      return api::WriteResult{api::WriteOutcome::already_exists, found->second};
    }
    if (type != api::ChangeType::added) {
      if (found == objects_.end()) return api::WriteResult{api::WriteOutcome::not_found, {}};
      if ((preconditions.resource_version &&
           *preconditions.resource_version != found->second.resource_version) ||
          (preconditions.uid && *preconditions.uid != found->second.uid)) {
        return api::WriteResult{api::WriteOutcome::conflict, found->second};
      }
    }
    ++rv_;
    api::StoredObject object{key, type == api::ChangeType::added ? uid : found->second.uid, rv_,
                             render(rv_)};
    if (type == api::ChangeType::deleted) {
      objects_.erase(found);
    } else {
      objects_[ordering(key)] = object;
    }
    log_.push_back(api::Change{type, object});
    while (log_.size() > retention_) {
      compacted_ = log_.front().object.resource_version;
      log_.erase(log_.begin());
    }
    if (listener) listener(log_.back());  // under the lock, like the store's writer lock
    return api::WriteResult{api::WriteOutcome::written, object};
  }

  std::size_t retention_;
  std::mutex mutex_;
  api::ResourceVersion rv_ = 0;
  api::ResourceVersion compacted_ = 0;
  std::map<Order, api::StoredObject> objects_;
  std::vector<api::Change> log_;
};

}  // namespace api_test
