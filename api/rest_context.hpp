// api/rest_context.hpp: what the REST handlers of api/rest_*.cpp share — the served resource
// types, the request being handled, and the read-modify-write driver every update, patch and
// status write goes through. Internal to api/ (api/rest_api.hpp is the public face).
//
// Contract of write_update(): reads the object (404 if absent), lets `compute` build the new
// JSON from the current one, checks the client's resourceVersion (a stale one is 409 Conflict,
// an empty one is unconditional and retried on conflict), and writes it — or removes it when
// the API server's finalizer rule says the deletion is complete. A no-op write is not written
// (no new resourceVersion), as upstream. dryRun computes and validates but never writes.
#pragma once

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <variant>

#include "api/field_error.hpp"
#include "api/http_message.hpp"
#include "api/job.hpp"
#include "api/object_store.hpp"
#include "api/pod_log_source.hpp"
#include "api/request_info.hpp"
#include "api/rest_common.hpp"
#include "api/watch_hub.hpp"
#include "base/clock.hpp"

namespace api::rest {

struct ResourceType {
  std::string group;  // "" for core
  std::string resource;
  std::string kind;
  std::string store_key;  // ObjectStore resource: "jobs.batch", "pods", ...
  bool namespaced = true;
  // Stored form -> served form, for types served in another group's shape (events.k8s.io);
  // empty: served as stored.
  std::function<nlohmann::ordered_json(const nlohmann::ordered_json&)> convert;

  std::string api_version() const { return group.empty() ? "v1" : group + "/v1"; }
  std::string list_kind() const { return kind + "List"; }
};

// The served type for a request's group/version/resource; nullptr if not served.
const ResourceType* find_resource_type(const RequestInfo& info);

struct Context {
  ObjectStore& store;
  WatchHub& hub;
  PodLogSource& logs;
  const base::Clock& clock;
  std::mutex rng_mutex;
  std::mt19937_64 rng;
  std::function<FieldErrors(const Job&)> admission;  // may be empty (RestApi's JobAdmission)
  std::function<std::optional<std::string>(const Job&)> job_quota;  // may be empty (JobQuota)

  Context(ObjectStore& s, WatchHub& h, PodLogSource& l, const base::Clock& c);
  std::string new_uid();
};

struct Call {
  const http::Request& request;
  const RequestInfo& info;
  const ResourceType& type;
  // Cluster-scoped objects are stored without a namespace (a namespace's own URL carries its
  // name as the request's namespace, as upstream's RequestInfo has it).
  ObjectKey key() const {
    return {type.store_key, type.namespaced ? info.name_space : std::string(), info.name};
  }
};

// The new object for `current`, and the resourceVersion the client based it on ("" = none).
struct Computed {
  nlohmann::ordered_json object;
  std::string client_resource_version;
};
using Compute =
    std::function<std::variant<Computed, http::Response>(const nlohmann::ordered_json& current)>;

http::Response write_update(Context& context, const Call& call, bool dry_run,
                            const Compute& compute);

// A stored object's JSON (a corrupt row becomes a 500 via the caller's check).
nlohmann::ordered_json parse_stored(const StoredObject& object);
http::Response object_response(int code, const nlohmann::ordered_json& object);
// Appends the API server's `Warning: 299 - "<text>"` headers.
void add_warnings(http::Response& response, const std::vector<std::string>& warnings);
// 400 when the body's metadata.name is not the URL's (upstream's update and patch check).
std::optional<http::Response> check_body_name(const nlohmann::json& body,
                                              const std::string& url_name);
// The namespace a list, watch or deletecollection reads: nullopt for all namespaces.
std::optional<std::string> list_namespace(const Call& call);
// Whether `object` passes the request's label and field selectors.
bool selected(const ResourceType& type, const ListOptions& options,
              const nlohmann::ordered_json& object);
// 404 for a namespace that does not exist, 403 for one being terminated; nullopt when fine.
std::optional<http::Response> check_namespace(Context& context, const Call& call,
                                              const std::string& name);

// Reads (api/rest_reads.cpp).
http::Response get_object(Context& context, const Call& call);
http::Response list_objects(Context& context, const Call& call);
http::Response watch_objects(Context& context, const Call& call);
// A Table of stored objects of `type` (for list, get and watch events).
nlohmann::json to_table(const ResourceType& type,
                        const std::vector<const nlohmann::ordered_json*>& objects,
                        base::TimePoint now);

// The body an update writes, given the current object: the request body for PUT, the patched
// object for PATCH (api/rest_patch.cpp).
using BodyFor = std::function<std::variant<nlohmann::json, http::Response>(
    const nlohmann::ordered_json& current)>;

// Writes of jobs (api/rest_jobs.cpp).
http::Response create_job(Context& context, const Call& call);
http::Response create_job_from(Context& context, const Call& call, nlohmann::json body,
                               const WriteOptions& options, int success_code = 201);
http::Response update_job(Context& context, const Call& call, const BodyFor& body_for,
                          const WriteOptions& options);
http::Response update_job_status(Context& context, const Call& call, const BodyFor& body_for,
                                 const WriteOptions& options);
// Pods (api/rest_pods.cpp).
http::Response update_pod(Context& context, const Call& call, const BodyFor& body_for,
                          const WriteOptions& options);
http::Response pod_log(Context& context, const Call& call);
http::Response evict_pod(Context& context, const Call& call);
// Namespaces (api/rest_namespaces.cpp).
http::Response create_namespace(Context& context, const Call& call);
// PUT and PATCH of any resource (api/rest_patch.cpp) dispatch to the update functions above.
http::Response put_object(Context& context, const Call& call);
http::Response patch_object(Context& context, const Call& call);
// Deletion (api/rest_delete.cpp).
http::Response delete_object(Context& context, const Call& call);
http::Response delete_collection(Context& context, const Call& call);

}  // namespace api::rest
