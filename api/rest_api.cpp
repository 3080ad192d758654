#include "api/rest_api.hpp"

#include <algorithm>

#include "api/authorization.hpp"
#include "api/event_conversion.hpp"
#include "api/names.hpp"
#include "api/object_update.hpp"
#include "api/rest_context.hpp"
#include "api/status.hpp"

namespace api {

namespace rest {

using nlohmann::json;
using nlohmann::ordered_json;

const ResourceType* find_resource_type(const RequestInfo& info) {
  static const std::vector<ResourceType> kTypes = {
      {"batch", "jobs", "Job", "jobs.batch", true, {}},
      {"", "pods", "Pod", "pods", true, {}},
      {"", "events", "Event", "events", true, {}},
      {"", "namespaces", "Namespace", "namespaces", false, {}},
      {"events.k8s.io", "events", "Event", "events", true, events_v1_from_core},
  };
  if (info.api_version != "v1") return nullptr;
  for (const ResourceType& type : kTypes) {
    if (type.group == info.api_group && type.resource == info.resource) return &type;
  }
  return nullptr;
}

Context::Context(ObjectStore& s, WatchHub& h, PodLogSource& l, const base::Clock& c)
    : store(s), hub(h), logs(l), clock(c), rng(std::random_device{}()) {}

std::string Context::new_uid() {
  std::lock_guard lock(rng_mutex);
  return api::new_uid(rng);
}

ordered_json parse_stored(const StoredObject& object) {
  return ordered_json::parse(object.json, nullptr, false);
}

http::Response object_response(int code, const ordered_json& object) {
  return json_response(code, object);
}

void add_warnings(http::Response& response, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    std::string escaped;
    for (char c : warning) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    response.headers.emplace_back("Warning", "299 - \"" + escaped + "\"");
  }
}

std::optional<http::Response> check_body_name(const json& body, const std::string& url_name) {
  std::string name;
  if (body.is_object() && body.contains("metadata") && body["metadata"].is_object()) {
    name = body["metadata"].value("name", "");
  }
  if (name == url_name) return std::nullopt;
  return bad_request("the name of the object (" + name + ") does not match the name on the URL (" +
                     url_name + ")");
}

std::optional<std::string> list_namespace(const Call& call) {
  if (call.info.name_space.empty()) return std::nullopt;
  return call.info.name_space;
}

std::optional<http::Response> check_namespace(Context& context, const Call& call,
                                              const std::string& name) {
  auto ns = context.store.get({"namespaces", "", call.info.name_space});
  if (!ns.ok()) return internal_error(ns.error().message());
  if (!*ns) return not_found("", "namespaces", call.info.name_space);
  const ordered_json object = parse_stored(**ns);
  if (object.is_object() && object.contains("metadata") &&
      object["metadata"].contains("deletionTimestamp")) {
    const std::string message = qualified_resource(call.type.group, call.type.resource) + " \"" +
                                name +
                                "\" is forbidden: unable to create new content in namespace " +
                                call.info.name_space + " because it is being terminated";
    return status_response(failure_status(403, "Forbidden", message));
  }
  return std::nullopt;
}

namespace {

http::Response modified_conflict(const Call& call) {
  return conflict(call.type.group, call.type.resource, call.info.name,
                  "the object has been modified; please apply your changes to the latest "
                  "version and try again");
}

}  // namespace

http::Response write_update(Context& context, const Call& call, bool dry_run,
                            const Compute& compute) {
  const ObjectKey key = call.key();
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto current = context.store.get(key);
    if (!current.ok()) return internal_error(current.error().message());
    if (!*current) return not_found(call.type.group, call.type.resource, call.info.name);
    const StoredObject& stored = **current;
    const ordered_json current_json = parse_stored(stored);
    if (!current_json.is_object()) return internal_error("stored object is not JSON");
    auto computed = compute(current_json);
    if (auto* error = std::get_if<http::Response>(&computed)) return std::move(*error);
    Computed& next = std::get<Computed>(computed);
    const std::string current_rv = std::to_string(stored.resource_version);
    if (!next.client_resource_version.empty() && next.client_resource_version != current_rv) {
      return modified_conflict(call);
    }
    next.object["metadata"]["resourceVersion"] = current_rv;
    if (next.object == current_json) return object_response(200, current_json);
    const bool removing = deletion_complete(next.object);
    if (dry_run) return object_response(200, next.object);
    const Preconditions preconditions{stored.resource_version, stored.uid};
    const Render render = [&](ResourceVersion rv) { return render_with_version(next.object, rv); };
    auto written = removing ? context.store.remove(key, preconditions, render)
                            : context.store.update(key, preconditions, render);
    if (!written.ok()) return internal_error(written.error().message());
    switch (written->outcome) {
      case WriteOutcome::written:
        return object_response(200, parse_stored(written->object));
      case WriteOutcome::not_found:
        return not_found(call.type.group, call.type.resource, call.info.name);
      case WriteOutcome::conflict:
        if (!next.client_resource_version.empty()) return modified_conflict(call);
        continue;
      case WriteOutcome::already_exists:
        break;
    }
    return internal_error("unexpected store outcome");
  }
  return modified_conflict(call);
}

namespace {

bool namespace_ok(const ResourceType& type, const RequestInfo& info) {
  // Cluster-scoped types have no namespace; namespaced ones need one except to list/watch.
  if (!type.namespaced) return info.name_space.empty() || info.name_space == info.name;
  if (!info.name_space.empty()) return true;
  return info.verb == "list" || info.verb == "watch" || info.verb == "deletecollection";
}

http::Response not_served() {
  return status_response(
      failure_status(404, "NotFound", "the server could not find the requested resource"));
}

http::Response dispatch(Context& context, const Call& call) {
  const std::string& verb = call.info.verb;
  const std::string& sub = call.info.subresource;
  const std::string& resource = call.type.resource;
  if (sub.empty()) {
    if (verb == "get") return get_object(context, call);
    if (verb == "list") return list_objects(context, call);
    if (verb == "watch") return watch_objects(context, call);
    if (call.type.convert) return method_not_allowed(call.info);  // served read-only
    if (verb == "delete") return delete_object(context, call);
    if (verb == "deletecollection" && resource != "namespaces") {
      return delete_collection(context, call);
    }
    if (verb == "create" && resource == "jobs") return create_job(context, call);
    if (verb == "create" && resource == "namespaces") return create_namespace(context, call);
    if (resource == "jobs" || resource == "pods") {
      if (verb == "update") return put_object(context, call);
      if (verb == "patch") return patch_object(context, call);
    }
    return method_not_allowed(call.info);
  }
  if (sub == "status" && (resource == "jobs" || resource == "pods")) {
    if (verb == "get") return get_object(context, call);
    if (resource == "jobs" && verb == "update") return put_object(context, call);
    if (resource == "jobs" && verb == "patch") return patch_object(context, call);
    return method_not_allowed(call.info);
  }
  if (sub == "log" && resource == "pods") {
    if (verb == "get") return pod_log(context, call);
    return method_not_allowed(call.info);
  }
  if (sub == "eviction" && resource == "pods") {
    if (verb == "create") return evict_pod(context, call);
    return method_not_allowed(call.info);
  }
  return not_served();
}

}  // namespace

}  // namespace rest

struct RestApi::Context : rest::Context {
  using rest::Context::Context;
};

RestApi::RestApi(ObjectStore& store, WatchHub& hub, PodLogSource& logs, const base::Clock& clock,
                 JobAdmission admission)
    : context_(std::make_unique<Context>(store, hub, logs, clock)) {
  context_->admission = std::move(admission);
}

RestApi::~RestApi() = default;

void RestApi::set_job_quota(JobQuota quota) { context_->job_quota = std::move(quota); }

std::optional<http::Response> RestApi::handle(const http::Request& request) {
  RequestInfoResult parsed = parse_request_info(request.method, request.target);
  if (!parsed.info) return rest::bad_request(parsed.error);
  RequestInfo& info = *parsed.info;
  if (!info.is_resource_request) return std::nullopt;
  const rest::ResourceType* type = rest::find_resource_type(info);
  if (type == nullptr || !rest::namespace_ok(*type, info)) return rest::not_served();
  if (!info.subresource.empty() && info.name.empty()) return rest::not_served();
  if (auto denied = authorize(request.identity, type->namespaced, info)) return denied;
  try {
    return rest::dispatch(*context_, rest::Call{request, info, *type});
  } catch (const std::exception& e) {
    return rest::internal_error(e.what());
  }
}

}  // namespace api
