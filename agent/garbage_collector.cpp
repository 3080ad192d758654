#include "agent/garbage_collector.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "agent/object_update.hpp"
#include "agent/pod_writes.hpp"

namespace agent {
namespace {

bool has_finalizer(const api::ObjectMeta& meta, std::string_view finalizer) {
  return std::find(meta.finalizers.begin(), meta.finalizers.end(), finalizer) !=
         meta.finalizers.end();
}

void keep_first(base::Status& first, base::Status next) {
  if (first.ok() && !next.ok()) first = std::move(next);
}

// Drops the ownerReference to `owner_uid` and the tracking finalizer: the pod is on its own.
base::Status orphan_pod(Store& store, const CachedPod& pod, const std::string& owner_uid) {
  auto done =
      update_object(store, pod.key, pod.pod.metadata.uid, [&](nlohmann::ordered_json& object) {
        auto& meta = object["metadata"];
        bool changed = false;
        if (auto refs = meta.find("ownerReferences"); refs != meta.end() && refs->is_array()) {
          const auto before = refs->size();
          refs->erase(std::remove_if(refs->begin(), refs->end(),
                                     [&](const nlohmann::ordered_json& r) {
                                       return r.value("uid", "") == owner_uid;
                                     }),
                      refs->end());
          changed |= refs->size() != before;
          if (refs->empty()) meta.erase("ownerReferences");
        }
        if (auto fin = meta.find("finalizers"); fin != meta.end() && fin->is_array()) {
          const auto before = fin->size();
          fin->erase(
              std::remove(fin->begin(), fin->end(), nlohmann::ordered_json(kJobTrackingFinalizer)),
              fin->end());
          changed |= fin->size() != before;
          if (fin->empty()) meta.erase("finalizers");
        }
        return changed ? Mutation::changed : Mutation::unchanged;
      });
  if (!done.ok()) return done.error().context("orphan pod " + pod.key.name);
  return {};
}

}  // namespace

base::Status GarbageCollector::owner_gone(const std::vector<const CachedPod*>& pods) {
  base::Status first;
  for (const CachedPod* pod : pods) {
    if (has_finalizer(pod->pod.metadata, kJobTrackingFinalizer)) {
      keep_first(first,
                 remove_finalizer(store_, pod->key, pod->pod.metadata.uid, kJobTrackingFinalizer));
    }
    if (!pod->pod.metadata.deletion_timestamp) {
      keep_first(first, delete_pod_gracefully(store_, clock_, pod->key.name_space, pod->key.name,
                                              pod->pod.metadata.uid));
    }
  }
  return first;
}

base::Status GarbageCollector::job_deleting(const CachedJob& cached,
                                            const std::vector<const CachedPod*>& pods) {
  const api::ObjectMeta& meta = cached.job.metadata;
  if (!meta.deletion_timestamp) return {};
  base::Status first;
  if (has_finalizer(meta, kOrphanFinalizer)) {
    for (const CachedPod* pod : pods) keep_first(first, orphan_pod(store_, *pod, meta.uid));
    if (first.ok()) {
      keep_first(first, remove_finalizer(store_, cached.key, meta.uid, kOrphanFinalizer));
    }
    return first;
  }
  if (has_finalizer(meta, kForegroundDeletionFinalizer)) {
    for (const CachedPod* pod : pods) {
      if (!pod->pod.metadata.deletion_timestamp) {
        keep_first(first, delete_pod_gracefully(store_, clock_, pod->key.name_space, pod->key.name,
                                                pod->pod.metadata.uid));
      }
    }
    if (pods.empty()) {
      keep_first(first,
                 remove_finalizer(store_, cached.key, meta.uid, kForegroundDeletionFinalizer));
    }
  }
  return first;
}

}  // namespace agent
