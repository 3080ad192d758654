// api/patch.hpp: the four PATCH body types of the API server, applied to an object's JSON.
//
// Contract:
// - patch_type() maps a Content-Type to its PatchType (parameters ignored), nullopt for others.
// - apply_json_patch: RFC 6902 (test/add/remove/replace/move/copy); apply_merge_patch: RFC 7386.
// - apply_strategic_merge_patch: Kubernetes' strategic merge patch for the objects we serve —
//   maps merge recursively, null deletes a key, lists of objects with a merge key (containers
//   and env by name, volumeMounts by mountPath, ports by containerPort, conditions by type, ...)
//   are merged element by element, `finalizers` merge as a set, other lists are replaced; the
//   directives `$patch: replace|delete|merge`, `$setElementOrder/<list>`,
//   `$deleteFromPrimitiveList/<list>` and `$retainKeys` are honoured and never stored.
// - Failures are errors with a message fit for a 422 (the patch does not apply) — a malformed
//   patch document is the caller's 400.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace api {

enum class PatchType { json_patch, merge_patch, strategic_merge_patch, apply_patch };

std::optional<PatchType> patch_type(std::string_view content_type);

base::Result<nlohmann::json> apply_json_patch(const nlohmann::json& object,
                                              const nlohmann::json& patch);
base::Result<nlohmann::json> apply_merge_patch(const nlohmann::json& object,
                                               const nlohmann::json& patch);
// The strategic merge patch strategy of a list field, by field name (the served types' list
// fields have unique names): its merge key ("containers" -> "name"), or nullopt when the list
// is replaced; merged_as_set() for primitive lists merged as sets (finalizers). The OpenAPI
// schemas publish the same table (x-kubernetes-patch-merge-key), so kubectl computes its
// patches with the strategies the server applies.
std::optional<std::string> strategic_merge_key(std::string_view field);
bool merged_as_set(std::string_view field);

base::Result<nlohmann::json> apply_strategic_merge_patch(const nlohmann::json& object,
                                                         const nlohmann::json& patch);

}  // namespace api
