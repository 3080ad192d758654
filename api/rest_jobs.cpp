// api/rest_jobs.cpp: create, update and status update of batch/v1 Jobs — the job registry's
// strategy (PrepareForCreate/Update, Validate, WarningsOn*) behind the REST verbs.
#include "api/job_create.hpp"
#include "api/job_defaults.hpp"
#include "api/job_encode.hpp"
#include "api/job_update_validation.hpp"
#include "api/object_update.hpp"
#include "api/rest_context.hpp"
#include "api/status.hpp"
#include "api/stored_job.hpp"

namespace api::rest {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

http::Response invalid_job(const std::string& name, const FieldErrors& errors) {
  return status_response(invalid_status("batch", "Job", name, errors));
}

// The body's metadata.namespace must be empty or the request's (upstream's
// EnsureObjectNamespaceMatchesRequestNamespace); it is then set to the request's. apiVersion
// and kind default to the endpoint's, as the API server's decoder defaults them. A body that is
// not an object is left to the Job decoder, which says what is wrong with it.
std::optional<http::Response> adopt_namespace(json& body, const std::string& name_space) {
  if (!body.is_object()) return std::nullopt;
  if (!body.contains("apiVersion")) body["apiVersion"] = "batch/v1";
  if (!body.contains("kind")) body["kind"] = "Job";
  json& meta = body["metadata"];
  if (meta.is_null()) meta = json::object();
  if (!meta.is_object()) return std::nullopt;
  if (auto it = meta.find("namespace"); it != meta.end() && it->is_string() &&
                                        !it->get<std::string>().empty() &&
                                        it->get<std::string>() != name_space) {
    return bad_request(
        "the namespace of the provided object does not match the namespace sent on the request");
  }
  meta["namespace"] = name_space;
  return std::nullopt;
}

}  // namespace

http::Response create_job(Context& context, const Call& call) {
  auto body_or = read_body(call.request);
  if (auto* error = std::get_if<http::Response>(&body_or)) return std::move(*error);
  auto options_or = read_write_options(call.info, false);
  if (auto* error = std::get_if<http::Response>(&options_or)) return std::move(*error);
  return create_job_from(context, call, std::get<json>(std::move(body_or)),
                         std::get<WriteOptions>(options_or));
}

http::Response create_job_from(Context& context, const Call& call, json body,
                               const WriteOptions& options, int success_code) {
  if (auto bad = adopt_namespace(body, call.info.name_space)) return std::move(*bad);
  if (!call.info.name.empty()) {
    if (auto bad = check_body_name(body, call.info.name)) return std::move(*bad);
  }
  CreatedJob created;
  {
    std::lock_guard lock(context.rng_mutex);
    created = api::create_job(body, context.clock.now(), context.rng, options.field_validation);
  }
  if (created.bad_request) {
    http::Response response = bad_request(*created.bad_request);
    add_warnings(response, created.warnings);
    return response;
  }
  if (created.errors.empty() && context.admission) created.errors = context.admission(created.job);
  if (!created.errors.empty()) {
    http::Response response = invalid_job(created.job.metadata.name, created.errors);
    add_warnings(response, created.warnings);
    return response;
  }
  Job& job = created.job;
  if (auto bad = check_namespace(context, call, job.metadata.name)) return std::move(*bad);
  if (context.job_quota) {
    if (std::optional<std::string> exceeded = context.job_quota(job)) {
      return forbidden_response(call.type.group, call.type.resource, job.metadata.name, *exceeded);
    }
  }

  http::Response response;
  if (options.dry_run) {
    response = object_response(success_code, encode_job(job));
  } else {
    const ObjectKey key{call.type.store_key, job.metadata.namespace_, job.metadata.name};
    auto written = context.store.create(key, job.metadata.uid, [&](ResourceVersion rv) {
      Job versioned = job;
      versioned.metadata.resource_version = std::to_string(rv);
      return encode_job(versioned).dump();
    });
    if (!written.ok()) return internal_error(written.error().message());
    if (written->outcome == WriteOutcome::already_exists) {
      return already_exists(call.type.group, call.type.resource, job.metadata.name);
    }
    response = object_response(success_code, parse_stored(written->object));
  }
  add_warnings(response, created.warnings);
  return response;
}

http::Response update_job(Context& context, const Call& call, const BodyFor& body_for,
                          const WriteOptions& options) {
  std::vector<std::string> warnings;
  http::Response response =
      write_update(context, call, options.dry_run,
                   [&](const ordered_json& current) -> std::variant<Computed, http::Response> {
                     auto body_or = body_for(current);
                     if (auto* error = std::get_if<http::Response>(&body_or))
                       return std::move(*error);
                     json body = std::get<json>(std::move(body_or));
                     if (auto bad = adopt_namespace(body, call.info.name_space))
                       return std::move(*bad);
                     if (!body.is_object() || !body["metadata"].is_object()) {
                       return bad_request("the object provided is unrecognized or malformed");
                     }
                     if (auto bad = check_body_name(body, call.info.name)) return std::move(*bad);
                     auto old = decode_stored_job(json(current));
                     if (!old.ok()) return internal_error(old.error().message());
                     ObjectMeta client;
                     if (auto taken = take_server_metadata(body["metadata"], client); !taken.ok()) {
                       return bad_request(taken.error().message());
                     }
                     DecodedJob decoded = decode_job(body, options.field_validation);
                     warnings = decoded.warnings;
                     if (!decoded.strict_errors.empty()) {
                       return bad_request(strict_decoding_message("Job", decoded.strict_errors));
                     }
                     if (!decoded.errors.empty())
                       return invalid_job(call.info.name, decoded.errors);
                     Job updated = std::move(decoded.job);
                     apply_job_defaults(updated);
                     put_server_metadata(old->metadata, updated.metadata);
                     updated.status = old->status;
                     if (FieldErrors errors = validate_job_update(*old, updated); !errors.empty()) {
                       return invalid_job(call.info.name, errors);
                     }
                     const json new_spec = encode_job(updated)["spec"];
                     const json old_spec = encode_job(*old)["spec"];
                     if (context.admission && new_spec["template"] != old_spec["template"]) {
                       if (FieldErrors errors = context.admission(updated); !errors.empty()) {
                         return invalid_job(call.info.name, errors);
                       }
                     }
                     if (new_spec != old_spec) {
                       updated.metadata.generation = old->metadata.generation + 1;
                     }
                     return Computed{encode_job(updated), client.resource_version};
                   });
  add_warnings(response, warnings);
  return response;
}

http::Response update_job_status(Context& context, const Call& call, const BodyFor& body_for,
                                 const WriteOptions& options) {
  return write_update(
      context, call, options.dry_run,
      [&](const ordered_json& current) -> std::variant<Computed, http::Response> {
        auto body_or = body_for(current);
        if (auto* error = std::get_if<http::Response>(&body_or)) return std::move(*error);
        json body = std::get<json>(std::move(body_or));
        if (auto bad = adopt_namespace(body, call.info.name_space)) return std::move(*bad);
        if (!body.is_object() || !body["metadata"].is_object()) {
          return bad_request("the object provided is unrecognized or malformed");
        }
        if (auto bad = check_body_name(body, call.info.name)) return std::move(*bad);
        auto old = decode_stored_job(json(current));
        if (!old.ok()) return internal_error(old.error().message());
        auto status = decode_job_status(body.contains("status") ? body["status"] : json());
        if (!status.ok()) return bad_request(status.error().message());
        Job updated = *old;
        updated.status = std::move(*status);
        if (FieldErrors errors = validate_job_status_update(*old, updated); !errors.empty()) {
          return invalid_job(call.info.name, errors);
        }
        // The status subresource changes status only: the stored JSON keeps everything else.
        ordered_json next = current;
        next["status"] = encode_job(updated)["status"];
        return Computed{std::move(next), body["metadata"].value("resourceVersion", "")};
      });
}

}  // namespace api::rest
