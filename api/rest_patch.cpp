// api/rest_patch.cpp: PUT and PATCH — the body (as sent, or the patch applied to the current
// object) goes to the resource's update (api/rest_jobs.cpp, api/rest_pods.cpp); server-side
// apply creates a missing Job, as the API server does.
#include "api/patch.hpp"
#include "api/rest_context.hpp"
#include "api/status.hpp"
#include "api/yaml_codec.hpp"

namespace api::rest {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

http::Response update_with(Context& context, const Call& call, const BodyFor& body_for,
                           const WriteOptions& options) {
  if (call.type.resource == "pods") return update_pod(context, call, body_for, options);
  if (call.info.subresource == "status") {
    return update_job_status(context, call, body_for, options);
  }
  return update_job(context, call, body_for, options);
}

std::variant<json, http::Response> read_patch(const http::Request& request, PatchType type) {
  if (type == PatchType::apply_patch) {
    YamlParseResult parsed = parse_yaml_documents(request.body);
    if (parsed.error) return bad_request("error decoding YAML: " + parsed.error->message);
    if (parsed.documents.size() != 1) {
      return bad_request("error decoding YAML: expected exactly one document");
    }
    return std::move(parsed.documents.front().value);
  }
  json patch = json::parse(request.body, nullptr, false);
  if (patch.is_discarded()) {
    return bad_request("error decoding patch: invalid character in the patch document");
  }
  return patch;
}

http::Response unprocessable(const std::string& message) {
  return status_response(failure_status(422, "Invalid", message));
}

}  // namespace

http::Response put_object(Context& context, const Call& call) {
  auto body_or = read_body(call.request);
  if (auto* error = std::get_if<http::Response>(&body_or)) return std::move(*error);
  auto options_or = read_write_options(call.info, false);
  if (auto* error = std::get_if<http::Response>(&options_or)) return std::move(*error);
  const json body = std::get<json>(std::move(body_or));
  // The name in the body must be the one in the URL (checked before the object is read, so a
  // wrong name is 400 even when the URL's object does not exist).
  if (auto bad = check_body_name(body, call.info.name)) return std::move(*bad);
  return update_with(
      context, call,
      [&body](const ordered_json&) -> std::variant<json, http::Response> { return body; },
      std::get<WriteOptions>(options_or));
}

http::Response patch_object(Context& context, const Call& call) {
  const auto type = patch_type(call.request.header("content-type").value_or(""));
  if (!type) {
    return status_response(failure_status(
        415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml, application/strategic-merge-patch+json"));
  }
  auto patch_or = read_patch(call.request, *type);
  if (auto* error = std::get_if<http::Response>(&patch_or)) return std::move(*error);
  const json patch = std::get<json>(std::move(patch_or));
  auto options_or = read_write_options(call.info, false);
  if (auto* error = std::get_if<http::Response>(&options_or)) return std::move(*error);
  const WriteOptions& options = std::get<WriteOptions>(options_or);
  if (*type == PatchType::apply_patch) {
    if (options.field_manager.empty()) {
      return status_response(invalid_status(
          "", "PatchOptions", "", {required("fieldManager", "is required for apply requests")}));
    }
    if (!patch.is_object()) return bad_request("error decoding YAML: not a map");
    if (call.type.resource == "jobs" && call.info.subresource.empty()) {
      auto existing = context.store.get(call.key());
      if (!existing.ok()) return internal_error(existing.error().message());
      if (!*existing) return create_job_from(context, call, patch, options, 201);
    }
  }
  const BodyFor body_for = [&](const ordered_json& current) -> std::variant<json, http::Response> {
    const json object(current);
    base::Result<json> patched = base::Error("unknown patch type");
    switch (*type) {
      case PatchType::json_patch:
        patched = apply_json_patch(object, patch);
        break;
      case PatchType::merge_patch:
        patched = apply_merge_patch(object, patch);
        break;
      case PatchType::strategic_merge_patch:
      case PatchType::apply_patch:
        patched = apply_strategic_merge_patch(object, patch);
        break;
    }
    if (!patched.ok()) return unprocessable(patched.error().message());
    return std::move(*patched);
  };
  return update_with(context, call, body_for, options);
}

}  // namespace api::rest
