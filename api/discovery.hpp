// api/discovery.hpp: what the server says about itself — /version, and the resource discovery
// documents kubectl reads before any command (/api, /apis, /api/v1, /apis/batch/v1), in both
// the aggregated form (apidiscovery.k8s.io/v2) and the legacy one.
//
// Contract:
// - One table (served_resources()) lists every resource and subresource the API serves; both
//   discovery forms are generated from it, so they cannot disagree.
// - discovery_response(path, accept) answers the discovery paths and returns nullopt for any
//   other path. The aggregated form is chosen exactly when Accept asks for
//   `as=APIGroupDiscoveryList` with `g=apidiscovery.k8s.io;v=v2` (v2beta1 is answered as v2, as
//   newer API servers do), and is sent with that media type as Content-Type: kubectl refuses an
//   aggregated body labelled application/json (../shared/notes/kubectl-wire.md §2).
// - /version reports `v1.<minor>.0` plus our own suffix: kubectl's dispatcher picks the kubectl
//   matching the minor version, so the minor is configurable (default 32).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace api {

struct ServedSubresource {
  std::string name;  // "status", "log", "eviction"
  std::string kind;  // response kind
  std::vector<std::string> verbs;
};

struct ServedResource {
  std::string group;  // "" for the core group
  std::string version;
  std::string resource;  // plural, "jobs"
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<ServedSubresource> subresources;
};

const std::vector<ServedResource>& served_resources();

struct ServerVersion {
  int minor = 32;
  std::string batchlet_version;  // e.g. "0.1.0"
};

struct DiscoveryResponse {
  std::string content_type;
  std::string body;
};

// The JSON of GET /version.
std::string version_body(const ServerVersion& version);

std::optional<DiscoveryResponse> discovery_response(std::string_view path, std::string_view accept);

}  // namespace api
