// api/rest_common.hpp: the pieces every REST handler shares — Status responses, reading request
// bodies in the media types the API server accepts, and the query options of list, watch,
// delete and write requests.
//
// Contract:
// - status_response() sends a meta/v1 Status with its own code as the HTTP status.
// - read_body() accepts application/json, application/yaml and application/vnd.kubernetes.protobuf
//   (api/protobuf_body.hpp) request bodies and yields the JSON object; anything else is 415
//   UnsupportedMediaType, an unreadable body 400 BadRequest, with the API server's wording.
// - wants_table() is true when Accept asks for a meta.k8s.io Table (as=Table), as kubectl get does.
// - The option parsers read the query (and, for delete, the DeleteOptions body, which wins over
//   the query as upstream decodes both into one struct); a malformed value is 400 BadRequest.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "api/field_query.hpp"
#include "api/http_message.hpp"
#include "api/job_decode.hpp"
#include "api/label_query.hpp"
#include "api/object_store.hpp"
#include "api/request_info.hpp"

namespace api::rest {

http::Response status_response(const nlohmann::ordered_json& status);
http::Response json_response(int code, const nlohmann::ordered_json& body);
http::Response bad_request(std::string_view message);
http::Response not_found(std::string_view group, std::string_view resource, std::string_view name);
http::Response internal_error(std::string_view message);
http::Response method_not_allowed(const RequestInfo& info);
http::Response conflict(std::string_view group, std::string_view resource, std::string_view name,
                        std::string_view why);
http::Response already_exists(std::string_view group, std::string_view resource,
                              std::string_view name);
// `jobs.batch "pi" is forbidden: <why>` (no name: `jobs.batch is forbidden: <why>`), 403.
http::Response forbidden_response(std::string_view group, std::string_view resource,
                                  std::string_view name, std::string_view why);

// "jobs.batch" or "pods": how upstream names a resource in messages.
std::string qualified_resource(std::string_view group, std::string_view resource);

// The body as a JSON value, or the error Response.
std::variant<nlohmann::json, http::Response> read_body(const http::Request& request);

bool wants_table(const http::Request& request);

struct ListOptions {
  LabelQuery labels;
  FieldQuery fields;
  std::optional<std::int64_t> limit;
  std::string continue_token;
  std::optional<ResourceVersion> resource_version;  // unset or "": latest
  std::optional<std::int64_t> timeout_seconds;
};
std::variant<ListOptions, http::Response> read_list_options(const RequestInfo& info,
                                                            std::string_view resource);

struct WriteOptions {
  bool dry_run = false;
  FieldValidation field_validation = FieldValidation::strict;
  std::string field_manager;
  bool force = false;
};
std::variant<WriteOptions, http::Response> read_write_options(const RequestInfo& info,
                                                              bool default_strict);

struct DeleteOptions {
  std::optional<std::string> propagation_policy;  // Background | Foreground | Orphan
  std::optional<std::int64_t> grace_period_seconds;
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  bool dry_run = false;
};
std::variant<DeleteOptions, http::Response> read_delete_options(const http::Request& request,
                                                                const RequestInfo& info);

// A query parameter's integer (the whole text, decimal), nullopt if it is not one.
std::optional<std::int64_t> parse_query_int(std::string_view text);
// Generic helpers on stored JSON.
std::string meta_string(const nlohmann::ordered_json& object, const char* key);
Labels object_labels(const nlohmann::ordered_json& object);

}  // namespace api::rest
