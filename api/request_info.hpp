// api/request_info.hpp: what a request URL asks for, in the API server's terms (upstream
// k8s.io/apiserver pkg/endpoints/request RequestInfoFactory): resource requests
// (/api/v1/..., /apis/<group>/<version>/...) with their verb, namespace, resource, name and
// subresource, and everything else as a non-resource path (/version, /healthz, /openapi/v3).
//
// Contract:
// - Verbs as upstream: GET on a collection is list, GET with ?watch=true|1 (or the legacy
//   /watch/ path segment) is watch, GET on a name is get, POST create, PUT update, PATCH patch,
//   DELETE on a name delete, DELETE on a collection deletecollection.
// - Query parameters are percent-decoded with '+' as space, like Go's url.ParseQuery; when a
//   parameter repeats, the first value counts (as metav1 parameter decoding does).
// - Path segments are percent-decoded; an undecodable URL is reported, never guessed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace api {

struct RequestInfo {
  bool is_resource_request = false;
  std::string path;        // decoded path without the query
  std::string verb;        // lower case: get, list, watch, create, update, patch, delete, ...
  std::string api_prefix;  // "api" or "apis"
  std::string api_group;   // "" for the core group
  std::string api_version;
  std::string name_space;
  std::string resource;
  std::string subresource;
  std::string name;
  std::vector<std::pair<std::string, std::string>> query;

  // The first value of query parameter `key`.
  std::optional<std::string_view> param(std::string_view key) const;
};

struct RequestInfoResult {
  std::optional<RequestInfo> info;
  std::string error;  // when info is empty: why the URL could not be read
};

RequestInfoResult parse_request_info(std::string_view method, std::string_view target);

// How metav1 parameter decoding reads a bool (Convert_Slice_string_To_bool): anything but "0"
// and "false" (in any case) is true — the Python client sends watch=True.
bool query_bool(std::string_view value);

// Go's url.QueryUnescape (plus_is_space) or PathUnescape; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace api
