#include "api/object_update.hpp"

#include "api/rfc3339.hpp"

namespace api {

std::string render_with_version(nlohmann::ordered_json object, ResourceVersion rv) {
  object["metadata"]["resourceVersion"] = std::to_string(rv);
  return object.dump();
}

bool deletion_complete(const nlohmann::ordered_json& object) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return false;
  const auto deleting = meta->find("deletionTimestamp");
  if (deleting == meta->end() || deleting->is_null()) return false;
  // A pod still in its grace period is not deleted by an update (upstream
  // ShouldDeleteDuringUpdate): only deletionGracePeriodSeconds 0 (or none) lets it go.
  const auto grace = meta->find("deletionGracePeriodSeconds");
  if (grace != meta->end() && grace->is_number_integer() && grace->get<std::int64_t>() != 0) {
    return false;
  }
  const auto finalizers = meta->find("finalizers");
  return finalizers == meta->end() || !finalizers->is_array() || finalizers->empty();
}

base::Result<std::optional<UpdatedObject>> update_object(
    ObjectStore& store, const ObjectKey& key, const std::optional<std::string>& uid,
    const std::function<Mutation(nlohmann::ordered_json&)>& mutate, const UpdateWrite& write) {
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto current = store.get(key);
    if (!current.ok()) return current.error();
    if (!current->has_value()) return std::optional<UpdatedObject>();
    const StoredObject& stored = **current;
    if (uid && stored.uid != *uid) return std::optional<UpdatedObject>();
    auto json = nlohmann::ordered_json::parse(stored.json, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      return base::Error("update " + key.resource + " " + key.name_space + "/" + key.name +
                         ": the stored object is not a JSON object");
    }
    const Mutation mutation = mutate(json);
    if (mutation == Mutation::unchanged) return std::optional<UpdatedObject>();
    const bool remove = mutation == Mutation::remove || deletion_complete(json);
    const Preconditions preconditions{stored.resource_version, stored.uid};
    const Render render = [&json](ResourceVersion rv) { return render_with_version(json, rv); };
    base::Result<WriteResult> written = remove  ? store.remove(key, preconditions, render)
                                        : write ? write(key, preconditions, render)
                                                : store.update(key, preconditions, render);
    if (!written.ok()) return written.error();
    switch (written->outcome) {
      case WriteOutcome::written:
        return std::optional<UpdatedObject>(UpdatedObject{std::move(written->object), remove});
      case WriteOutcome::not_found:
        return std::optional<UpdatedObject>();
      case WriteOutcome::conflict:
      case WriteOutcome::already_exists:
        continue;  // someone wrote in between: read again
    }
  }
  return base::Error("update " + key.resource + " " + key.name_space + "/" + key.name +
                     ": still conflicting after " + std::to_string(kMaxUpdateAttempts) +
                     " attempts");
}

Mutation mark_deleting(nlohmann::ordered_json& object, base::TimePoint now,
                       std::string_view propagation_policy) {
  nlohmann::ordered_json& meta = object["metadata"];
  if (!meta.contains("deletionTimestamp")) meta["deletionTimestamp"] = format_time(now);
  meta["deletionGracePeriodSeconds"] = 0;
  nlohmann::ordered_json finalizers = nlohmann::ordered_json::array();
  if (auto it = meta.find("finalizers"); it != meta.end() && it->is_array()) {
    for (const auto& f : *it) {
      if (f != kOrphanFinalizer && f != kForegroundDeletionFinalizer) finalizers.push_back(f);
    }
  }
  if (propagation_policy == "Orphan") finalizers.push_back(kOrphanFinalizer);
  if (propagation_policy == "Foreground") finalizers.push_back(kForegroundDeletionFinalizer);
  if (finalizers.empty()) {
    meta.erase("finalizers");
  } else {
    meta["finalizers"] = std::move(finalizers);
  }
  return Mutation::changed;
}

}  // namespace api
