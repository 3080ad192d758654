#include "api/rest_common.hpp"

#include <charconv>

#include "api/protobuf_body.hpp"
#include "api/status.hpp"
#include "api/yaml_codec.hpp"

namespace api::rest {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The media type without parameters, lower case.
std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<bool> parse_bool(std::string_view text) {
  // Go's strconv.ParseBool, as metav1's query decoding uses.
  if (text == "1" || text == "t" || text == "T" || text == "true" || text == "TRUE" ||
      text == "True")
    return true;
  if (text == "0" || text == "f" || text == "F" || text == "false" || text == "FALSE" ||
      text == "False")
    return false;
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> parse_query_int(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

http::Response status_response(const ordered_json& status) {
  http::Response response;
  response.status = status.value("code", 500);
  response.body = encode_status(status);
  return response;
}

http::Response json_response(int code, const ordered_json& body) {
  http::Response response;
  response.status = code;
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

http::Response bad_request(std::string_view message) {
  return status_response(failure_status(400, "BadRequest", message));
}

std::string qualified_resource(std::string_view group, std::string_view resource) {
  std::string out(resource);
  if (!group.empty()) {
    out += '.';
    out += group;
  }
  return out;
}

namespace {
ordered_json with_details(ordered_json status, std::string_view group, std::string_view resource,
                          std::string_view name) {
  ordered_json details = ordered_json::object();
  if (!name.empty()) details["name"] = name;
  if (!group.empty()) details["group"] = group;
  details["kind"] = resource;
  // metav1.Status puts details before code.
  ordered_json out;
  for (auto& [key, value] : status.items()) {
    if (key == "code") out["details"] = details;
    out[key] = value;
  }
  return out;
}
}  // namespace

http::Response not_found(std::string_view group, std::string_view resource, std::string_view name) {
  const std::string message =
      qualified_resource(group, resource) + " \"" + std::string(name) + "\" not found";
  return status_response(
      with_details(failure_status(404, "NotFound", message), group, resource, name));
}

http::Response forbidden_response(std::string_view group, std::string_view resource,
                                  std::string_view name, std::string_view why) {
  std::string message = qualified_resource(group, resource);
  if (!name.empty()) message += " \"" + std::string(name) + "\"";
  message += " is forbidden: ";
  message += why;
  return status_response(
      with_details(failure_status(403, "Forbidden", message), group, resource, name));
}

http::Response already_exists(std::string_view group, std::string_view resource,
                              std::string_view name) {
  const std::string message =
      qualified_resource(group, resource) + " \"" + std::string(name) + "\" already exists";
  return status_response(
      with_details(failure_status(409, "AlreadyExists", message), group, resource, name));
}

http::Response conflict(std::string_view group, std::string_view resource, std::string_view name,
                        std::string_view why) {
  const std::string message = "Operation cannot be fulfilled on " +
                              qualified_resource(group, resource) + " \"" + std::string(name) +
                              "\": " + std::string(why);
  return status_response(
      with_details(failure_status(409, "Conflict", message), group, resource, name));
}

http::Response internal_error(std::string_view message) {
  return status_response(
      failure_status(500, "InternalError", "Internal error occurred: " + std::string(message)));
}

http::Response method_not_allowed(const RequestInfo&) {
  return status_response(failure_status(
      405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
}

std::variant<json, http::Response> read_body(const http::Request& request) {
  const std::string type = media_type(request.header("content-type").value_or("application/json"));
  if (type == "application/json" || type.empty()) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      return bad_request("the object provided is unrecognized or malformed JSON");
    }
    return body;
  }
  if (type == "application/yaml") {
    YamlParseResult parsed = parse_yaml_documents(request.body);
    if (parsed.error) return bad_request("error converting YAML to JSON: " + parsed.error->message);
    if (parsed.documents.size() != 1) {
      return bad_request("error converting YAML to JSON: expected exactly one document");
    }
    return std::move(parsed.documents.front().value);
  }
  if (type == kProtobufMediaType) {
    auto decoded = decode_protobuf_body(request.body);
    if (!decoded.ok()) return bad_request(decoded.error().message());
    return std::move(*decoded);
  }
  return status_response(failure_status(
      415, "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: "
      "application/json, application/yaml, application/vnd.kubernetes.protobuf"));
}

bool wants_table(const http::Request& request) {
  const std::string_view accept = request.header("accept").value_or("");
  return accept.find("as=Table") != std::string_view::npos;
}

std::variant<ListOptions, http::Response> read_list_options(const RequestInfo& info,
                                                            std::string_view resource) {
  ListOptions out;
  if (auto text = info.param("labelSelector")) {
    LabelQueryResult parsed = parse_label_query(*text);
    if (!parsed.error.empty()) return bad_request(parsed.error);
    out.labels = std::move(parsed.query);
  }
  if (auto text = info.param("fieldSelector")) {
    FieldQueryResult parsed = parse_field_query(*text);
    if (!parsed.error.empty()) return bad_request(parsed.error);
    if (auto why = supported_field_error(resource, parsed.query); !why.empty()) {
      return bad_request(why);
    }
    out.fields = std::move(parsed.query);
  }
  if (auto text = info.param("limit"); text && !text->empty()) {
    auto value = parse_query_int(*text);
    if (!value) return bad_request("limit: invalid value \"" + std::string(*text) + "\"");
    if (*value > 0) out.limit = *value;
  }
  if (auto text = info.param("continue")) out.continue_token = std::string(*text);
  if (auto text = info.param("resourceVersion"); text && !text->empty()) {
    auto value = parse_query_int(*text);
    if (!value || *value < 0) {
      return status_response(failure_status(
          400, "BadRequest", "invalid resource version \"" + std::string(*text) + "\""));
    }
    out.resource_version = *value;
  }
  if (auto text = info.param("timeoutSeconds"); text && !text->empty()) {
    auto value = parse_query_int(*text);
    if (!value) return bad_request("timeoutSeconds: invalid value \"" + std::string(*text) + "\"");
    out.timeout_seconds = *value;
  }
  return out;
}

std::variant<WriteOptions, http::Response> read_write_options(const RequestInfo& info,
                                                              bool default_strict) {
  WriteOptions out;
  out.field_validation = default_strict ? FieldValidation::strict : FieldValidation::warn;
  if (auto v = info.param("dryRun")) {
    if (*v != "All" && !v->empty()) {
      return bad_request("Invalid dry run value: " + std::string(*v));
    }
    out.dry_run = *v == "All";
  }
  if (auto v = info.param("fieldValidation"); v && !v->empty()) {
    if (*v == "Strict") {
      out.field_validation = FieldValidation::strict;
    } else if (*v == "Warn") {
      out.field_validation = FieldValidation::warn;
    } else if (*v == "Ignore") {
      out.field_validation = FieldValidation::ignore;
    } else {
      return bad_request("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"");
    }
  }
  if (auto v = info.param("fieldManager")) out.field_manager = std::string(*v);
  if (auto v = info.param("force"); v && !v->empty()) {
    auto b = parse_bool(*v);
    if (!b) return bad_request("force: invalid value \"" + std::string(*v) + "\"");
    out.force = *b;
  }
  return out;
}

std::variant<DeleteOptions, http::Response> read_delete_options(const http::Request& request,
                                                                const RequestInfo& info) {
  DeleteOptions out;
  if (auto v = info.param("propagationPolicy"); v && !v->empty()) {
    out.propagation_policy = std::string(*v);
  }
  if (auto v = info.param("gracePeriodSeconds"); v && !v->empty()) {
    auto value = parse_query_int(*v);
    if (!value) return bad_request("gracePeriodSeconds: invalid value \"" + std::string(*v) + "\"");
    out.grace_period_seconds = *value;
  }
  if (auto v = info.param("dryRun")) out.dry_run = *v == "All";
  if (auto v = info.param("orphanDependents"); v && parse_bool(*v).value_or(false)) {
    out.propagation_policy = "Orphan";
  }
  if (!request.body.empty()) {
    auto body = read_body(request);
    if (auto* error = std::get_if<http::Response>(&body)) return std::move(*error);
    const json& options = std::get<json>(body);
    if (!options.is_object()) return bad_request("DeleteOptions: not an object");
    if (auto it = options.find("propagationPolicy"); it != options.end() && it->is_string()) {
      out.propagation_policy = it->get<std::string>();
    }
    if (auto it = options.find("orphanDependents"); it != options.end() && it->is_boolean()) {
      if (out.propagation_policy) {
        return status_response(invalid_status(
            "", "DeleteOptions", "",
            {invalid("propagationPolicy", quote(*out.propagation_policy),
                     "orphanDependents and deletionPropagation cannot be both set")}));
      }
      out.propagation_policy = it->get<bool>() ? "Orphan" : "Background";
    }
    if (auto it = options.find("gracePeriodSeconds");
        it != options.end() && it->is_number_integer()) {
      out.grace_period_seconds = it->get<std::int64_t>();
    }
    if (auto it = options.find("dryRun"); it != options.end() && it->is_array()) {
      for (const json& v : *it) {
        if (v == "All") out.dry_run = true;
      }
    }
    if (auto it = options.find("preconditions"); it != options.end() && it->is_object()) {
      if (auto uid = it->find("uid"); uid != it->end() && uid->is_string()) {
        out.precondition_uid = uid->get<std::string>();
      }
      if (auto rv = it->find("resourceVersion"); rv != it->end() && rv->is_string()) {
        out.precondition_resource_version = rv->get<std::string>();
      }
    }
  }
  if (out.propagation_policy && *out.propagation_policy != "Background" &&
      *out.propagation_policy != "Foreground" && *out.propagation_policy != "Orphan") {
    return status_response(
        invalid_status("", "DeleteOptions", "",
                       {not_supported("propagationPolicy", *out.propagation_policy,
                                      {"Foreground", "Background", "Orphan", "nil"})}));
  }
  if (out.grace_period_seconds && *out.grace_period_seconds < 0) out.grace_period_seconds = 1;
  return out;
}

std::string meta_string(const ordered_json& object, const char* key) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return {};
  const auto it = meta->find(key);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string();
}

Labels object_labels(const ordered_json& object) {
  Labels out;
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return out;
  const auto labels = meta->find("labels");
  if (labels == meta->end() || !labels->is_object()) return out;
  for (const auto& [key, value] : labels->items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

}  // namespace api::rest
