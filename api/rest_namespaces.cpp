// api/rest_namespaces.cpp: creating core/v1 Namespaces (kubectl create namespace sends them as
// protobuf; api/rest_common.hpp reads every body type).
#include "api/list_encode.hpp"
#include "api/name_rules.hpp"
#include "api/names.hpp"
#include "api/rest_context.hpp"
#include "api/status.hpp"

namespace api::rest {

using nlohmann::json;
using nlohmann::ordered_json;

http::Response create_namespace(Context& context, const Call& call) {
  auto body_or = read_body(call.request);
  if (auto* error = std::get_if<http::Response>(&body_or)) return std::move(*error);
  const json& body = std::get<json>(body_or);
  auto options_or = read_write_options(call.info, false);
  if (auto* error = std::get_if<http::Response>(&options_or)) return std::move(*error);
  const WriteOptions& options = std::get<WriteOptions>(options_or);
  if (!body.is_object()) return bad_request("the object provided is unrecognized or malformed");
  if (body.value("kind", "Namespace") != "Namespace") {
    return bad_request("the kind in the data (" + body.value("kind", "") +
                       ") does not match the expected kind (Namespace)");
  }
  const json meta = body.value("metadata", json::object());
  ObjectMeta out;
  out.name = meta.is_object() ? meta.value("name", "") : "";
  const std::string generate = meta.is_object() ? meta.value("generateName", "") : "";
  FieldErrors errors;
  if (out.name.empty() && !generate.empty()) {
    std::lock_guard lock(context.rng_mutex);
    out.name = generate_name(generate, context.rng);
  }
  if (out.name.empty()) {
    errors.push_back(required("metadata.name", "name or generateName is required"));
  } else {
    for (const std::string& reason : dns1123_label_errors(out.name)) {
      errors.push_back(invalid("metadata.name", quote(out.name), reason));
    }
  }
  if (meta.is_object()) {
    for (const char* field : {"labels", "annotations"}) {
      if (auto it = meta.find(field); it != meta.end() && it->is_object()) {
        Labels& target = std::string(field) == "labels" ? out.labels : out.annotations;
        for (const auto& [key, value] : it->items()) {
          if (value.is_string()) target[key] = value.get<std::string>();
        }
      }
    }
  }
  validate_labels(out.labels, "metadata.labels", errors);
  validate_annotations(out.annotations, "metadata.annotations", errors);
  if (!errors.empty()) {
    return status_response(invalid_status("", "Namespace", out.name, errors));
  }
  out.uid = context.new_uid();
  out.creation_timestamp = context.clock.now();
  if (options.dry_run) return object_response(201, encode_namespace(out));
  auto written =
      context.store.create({"namespaces", "", out.name}, out.uid, [&](ResourceVersion rv) {
        ObjectMeta versioned = out;
        versioned.resource_version = std::to_string(rv);
        return encode_namespace(versioned).dump();
      });
  if (!written.ok()) return internal_error(written.error().message());
  if (written->outcome == WriteOutcome::already_exists) {
    return already_exists("", "namespaces", out.name);
  }
  return object_response(201, parse_stored(written->object));
}

}  // namespace api::rest
