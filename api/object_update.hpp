// api/object_update.hpp: read-modify-write of one stored object, as the API server's
// GuaranteedUpdate does it, plus the deletion rule every write obeys. Used by the REST handlers
// and (through agent/object_update.hpp) by the agent's controllers.
//
// Contract:
// - update_object() reads the object, lets `mutate` edit its JSON in place and writes it with
//   the resourceVersion it read as precondition (and the uid, when given, so a re-created
//   object of the same name is never touched); on a conflict it reads again and retries (at
//   most kMaxUpdateAttempts times). Writers edit the JSON rather than re-encode a decoded
//   object, so fields they do not know (managedFields, newer fields) survive.
// - `write`, when given, performs the update (not the removal) instead of store.update() — the
//   agent uses it to write a side record in the same transaction.
// - The rendered JSON always carries metadata.resourceVersion = the new resourceVersion.
// - The API server's finalizer rule: an object whose metadata.deletionTimestamp is set, whose
//   deletionGracePeriodSeconds is 0 (or unset) and whose finalizers are empty after the
//   mutation is removed (DELETED), not updated. A pod in its grace period stays until the
//   kubelet finishes the deletion with grace 0.
// - Outcomes: the written (or removed) object; std::nullopt when the object is gone (or has
//   another uid) or `mutate` said unchanged; errors are store failures.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/object_store.hpp"
#include "base/clock.hpp"
#include "base/result.hpp"

namespace api {

inline constexpr int kMaxUpdateAttempts = 8;

enum class Mutation { unchanged, changed, remove };

struct UpdatedObject {
  StoredObject object;
  bool removed = false;
};

using UpdateWrite = std::function<base::Result<WriteResult>(
    const ObjectKey& key, const Preconditions& preconditions, const Render& render)>;

base::Result<std::optional<UpdatedObject>> update_object(
    ObjectStore& store, const ObjectKey& key, const std::optional<std::string>& uid,
    const std::function<Mutation(nlohmann::ordered_json&)>& mutate, const UpdateWrite& write = {});

// Sets metadata.resourceVersion of `object` to `rv` and dumps it.
std::string render_with_version(nlohmann::ordered_json object, ResourceVersion rv);

// The API server's rule: deletionTimestamp set, grace 0 or unset, no finalizers left.
bool deletion_complete(const nlohmann::ordered_json& object);

inline constexpr std::string_view kOrphanFinalizer = "orphan";
inline constexpr std::string_view kForegroundDeletionFinalizer = "foregroundDeletion";

// Upstream's deletionFinalizersForGarbageCollection + updateForGracefulDeletionAndFinalizers
// for an object deleted without grace: deletionTimestamp now (kept if already set), grace 0,
// and the finalizer of `propagation_policy` ("Orphan", "Foreground"; "Background": none) in
// place of the other one. Always Mutation::changed.
Mutation mark_deleting(nlohmann::ordered_json& object, base::TimePoint now,
                       std::string_view propagation_policy);

}  // namespace api
