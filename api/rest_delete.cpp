// api/rest_delete.cpp: DELETE of one object and of a collection, with the API server's
// preconditions, graceful deletion of pods and the garbage collector's propagation policies
// for Jobs (spec §4.18; the agent's garbage collector does the rest).
#include <algorithm>
#include <set>

#include "api/list_encode.hpp"
#include "api/object_update.hpp"
#include "api/pod_deletion.hpp"
#include "api/rest_context.hpp"
#include "api/rfc3339.hpp"
#include "api/status.hpp"

namespace api::rest {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The deletion as it went: the object is gone (`removed`) or pending with `object` its state.
struct Deleted {
  ordered_json object;
  bool removed = false;
};

std::variant<Deleted, http::Response> delete_one(Context& context, const ResourceType& type,
                                                 const ObjectKey& key,
                                                 const DeleteOptions& options) {
  auto found = context.store.get(key);
  if (!found.ok()) return internal_error(found.error().message());
  if (!*found) return not_found(type.group, type.resource, key.name);
  const StoredObject& stored = **found;
  if (options.precondition_uid && *options.precondition_uid != stored.uid) {
    return conflict(type.group, type.resource, key.name,
                    "Precondition failed: UID in precondition: " + *options.precondition_uid +
                        ", UID in object meta: " + stored.uid);
  }
  if (options.precondition_resource_version &&
      *options.precondition_resource_version != std::to_string(stored.resource_version)) {
    return conflict(
        type.group, type.resource, key.name,
        "Precondition failed: ResourceVersion in precondition: " +
            *options.precondition_resource_version +
            ", ResourceVersion in object meta: " + std::to_string(stored.resource_version));
  }
  const auto now = context.clock.now();
  std::function<Mutation(ordered_json&)> mutate;
  if (type.resource == "jobs") {
    const std::string policy = options.propagation_policy.value_or("Orphan");
    mutate = [now, policy](ordered_json& job) { return mark_deleting(job, now, policy); };
  } else if (type.resource == "pods") {
    const auto grace = options.grace_period_seconds;
    mutate = [now, grace](ordered_json& pod) { return mark_pod_deleting(pod, now, grace); };
  } else {
    mutate = [](ordered_json&) { return Mutation::remove; };
  }
  if (options.dry_run) {
    ordered_json object = parse_stored(stored);
    const Mutation m = mutate(object);
    return Deleted{object, m == Mutation::remove || deletion_complete(object)};
  }
  auto updated = update_object(context.store, key, stored.uid, mutate);
  if (!updated.ok()) return internal_error(updated.error().message());
  if (!*updated) return not_found(type.group, type.resource, key.name);
  return Deleted{parse_stored((*updated)->object), (*updated)->removed};
}

http::Response deleted_response(const ResourceType& type, const Deleted& deleted) {
  // Jobs and events answer a completed deletion with a Status (their registries do not return
  // the deleted object); pods always return the object.
  if (deleted.removed && type.resource != "pods") {
    ordered_json details = {{"name", meta_string(deleted.object, "name")}};
    if (!type.group.empty()) details["group"] = type.group;
    details["kind"] = type.resource;
    details["uid"] = meta_string(deleted.object, "uid");
    return json_response(200, {{"kind", "Status"},
                               {"apiVersion", "v1"},
                               {"metadata", ordered_json::object()},
                               {"status", "Success"},
                               {"details", details}});
  }
  return object_response(200, deleted.object);
}

}  // namespace

// A namespace is marked Terminating; the agent's namespace controller deletes what it holds and
// then the namespace (agent/namespace_deletion.hpp). Its spec.finalizers ("kubernetes") are
// the controller's, not metadata finalizers, so the write bypasses the finalizer rule.
static http::Response delete_namespace(Context& context, const Call& call,
                                       const DeleteOptions& options) {
  static const std::set<std::string> kImmortal = {"default", "kube-system", "kube-public",
                                                  "kube-node-lease"};
  if (kImmortal.count(call.info.name) != 0) {
    return status_response(failure_status(
        403, "Forbidden",
        "namespaces \"" + call.info.name + "\" is forbidden: this namespace may not be deleted"));
  }
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto found = context.store.get(call.key());
    if (!found.ok()) return internal_error(found.error().message());
    if (!*found) return not_found("", "namespaces", call.info.name);
    if (options.precondition_uid && *options.precondition_uid != (*found)->uid) {
      return conflict("", "namespaces", call.info.name,
                      "Precondition failed: UID in precondition: " + *options.precondition_uid +
                          ", UID in object meta: " + (*found)->uid);
    }
    ordered_json object = parse_stored(**found);
    if (!object.is_object()) return internal_error("stored namespace is not JSON");
    if (object["metadata"].contains("deletionTimestamp")) return object_response(200, object);
    object["metadata"]["deletionTimestamp"] = format_time(context.clock.now());
    object["status"]["phase"] = "Terminating";
    if (options.dry_run) return object_response(200, object);
    auto written =
        context.store.update(call.key(), {(*found)->resource_version, (*found)->uid},
                             [&](ResourceVersion rv) { return render_with_version(object, rv); });
    if (!written.ok()) return internal_error(written.error().message());
    if (written->outcome == WriteOutcome::conflict) continue;
    if (written->outcome != WriteOutcome::written) {
      return not_found("", "namespaces", call.info.name);
    }
    return object_response(200, parse_stored(written->object));
  }
  return conflict("", "namespaces", call.info.name, "the object has been modified");
}

http::Response delete_object(Context& context, const Call& call) {
  auto options = read_delete_options(call.request, call.info);
  if (auto* error = std::get_if<http::Response>(&options)) return std::move(*error);
  if (call.type.resource == "namespaces") {
    return delete_namespace(context, call, std::get<DeleteOptions>(options));
  }
  auto deleted = delete_one(context, call.type, call.key(), std::get<DeleteOptions>(options));
  if (auto* error = std::get_if<http::Response>(&deleted)) return std::move(*error);
  return deleted_response(call.type, std::get<Deleted>(deleted));
}

http::Response delete_collection(Context& context, const Call& call) {
  auto options_or = read_delete_options(call.request, call.info);
  if (auto* error = std::get_if<http::Response>(&options_or)) return std::move(*error);
  const DeleteOptions& options = std::get<DeleteOptions>(options_or);
  auto list_options_or = read_list_options(call.info, call.type.resource);
  if (auto* error = std::get_if<http::Response>(&list_options_or)) return std::move(*error);
  const ListOptions& selection = std::get<ListOptions>(list_options_or);
  auto listed = context.store.list(call.type.store_key, list_namespace(call));
  if (!listed.ok()) return internal_error(listed.error().message());
  std::vector<ordered_json> items;
  for (const StoredObject& stored : listed->objects) {
    const ordered_json object = parse_stored(stored);
    if (!object.is_object() || !selected(call.type, selection, object)) continue;
    auto deleted = delete_one(context, call.type, stored.key, options);
    if (auto* error = std::get_if<http::Response>(&deleted)) {
      if (error->status == 404) continue;  // went away meanwhile
      return std::move(*error);
    }
    items.push_back(std::move(std::get<Deleted>(deleted).object));
  }
  auto rv = context.store.current_resource_version();
  if (!rv.ok()) return internal_error(rv.error().message());
  return json_response(200, encode_list(call.type.list_kind(), call.type.api_version(),
                                        std::to_string(*rv), std::move(items)));
}

}  // namespace api::rest
