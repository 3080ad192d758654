#include "api/discovery.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace api {

namespace {

using nlohmann::ordered_json;

constexpr std::string_view kAggregatedV2 =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

const std::vector<std::string> kReadWrite = {"create", "delete", "deletecollection", "get",
                                             "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kStatusVerbs = {"get", "patch", "update"};
// Pods are made by the Job controller only (no create), events by the agent only.
const std::vector<std::string> kPodVerbs = {"delete", "deletecollection", "get",  "list",
                                            "patch",  "update",           "watch"};
const std::vector<std::string> kEventVerbs = {"delete", "deletecollection", "get", "list", "watch"};

ordered_json group_version(const std::string& group) {
  return {{"groupVersion", group + "/v1"}, {"version", "v1"}};
}

// The named groups served, in the order of served_resources().
std::vector<std::string> named_groups() {
  std::vector<std::string> groups;
  for (const auto& served : served_resources()) {
    if (!served.group.empty() &&
        std::find(groups.begin(), groups.end(), served.group) == groups.end()) {
      groups.push_back(served.group);
    }
  }
  return groups;
}

// Discovery of the group `group` ("" = core) version v1 in the aggregated form.
ordered_json aggregated_group(const std::string& group) {
  ordered_json resources = ordered_json::array();
  for (const auto& served : served_resources()) {
    if (served.group != group) continue;
    ordered_json resource;
    resource["resource"] = served.resource;
    // Built-in resources leave group and version of responseKind empty (meaning "this one").
    resource["responseKind"] = {{"group", ""}, {"version", ""}, {"kind", served.kind}};
    resource["scope"] = served.namespaced ? "Namespaced" : "Cluster";
    resource["singularResource"] = served.singular;
    resource["verbs"] = served.verbs;
    if (!served.short_names.empty()) resource["shortNames"] = served.short_names;
    if (!served.categories.empty()) resource["categories"] = served.categories;
    if (!served.subresources.empty()) {
      ordered_json subresources = ordered_json::array();
      for (const auto& sub : served.subresources) {
        ordered_json entry;
        entry["subresource"] = sub.name;
        entry["responseKind"] = {{"group", ""}, {"version", ""}, {"kind", sub.kind}};
        entry["verbs"] = sub.verbs;
        subresources.push_back(std::move(entry));
      }
      resource["subresources"] = std::move(subresources);
    }
    resources.push_back(std::move(resource));
  }
  ordered_json metadata = {{"creationTimestamp", nullptr}};
  if (!group.empty()) metadata = {{"name", group}, {"creationTimestamp", nullptr}};
  ordered_json version = {{"version", "v1"}, {"resources", resources}, {"freshness", "Current"}};
  return {{"metadata", metadata}, {"versions", ordered_json::array({version})}};
}

std::string aggregated_list(const std::vector<std::string>& groups) {
  ordered_json list;
  list["kind"] = "APIGroupDiscoveryList";
  list["apiVersion"] = "apidiscovery.k8s.io/v2";
  list["metadata"] = ordered_json::object();
  list["items"] = ordered_json::array();
  for (const std::string& group : groups) list["items"].push_back(aggregated_group(group));
  return list.dump();
}

ordered_json api_group(const std::string& name) {
  return {{"name", name},
          {"versions", ordered_json::array({group_version(name)})},
          {"preferredVersion", group_version(name)}};
}

// The legacy APIResourceList of one group version.
std::string resource_list(const std::string& group, const std::string& version) {
  ordered_json resources = ordered_json::array();
  for (const auto& served : served_resources()) {
    if (served.group != group || served.version != version) continue;
    ordered_json resource;
    resource["name"] = served.resource;
    resource["singularName"] = served.singular;
    resource["namespaced"] = served.namespaced;
    resource["kind"] = served.kind;
    resource["verbs"] = served.verbs;
    if (!served.short_names.empty()) resource["shortNames"] = served.short_names;
    if (!served.categories.empty()) resource["categories"] = served.categories;
    resources.push_back(std::move(resource));
    for (const auto& sub : served.subresources) {
      ordered_json entry;
      entry["name"] = served.resource + "/" + sub.name;
      entry["singularName"] = "";
      entry["namespaced"] = served.namespaced;
      entry["kind"] = sub.kind;
      entry["verbs"] = sub.verbs;
      resources.push_back(std::move(entry));
    }
  }
  ordered_json list;
  list["kind"] = "APIResourceList";
  list["apiVersion"] = "v1";
  list["groupVersion"] = group.empty() ? version : group + "/" + version;
  list["resources"] = std::move(resources);
  return list.dump();
}

bool wants_aggregated(std::string_view accept) {
  // Accept is a comma-separated list; any entry asking for the v2 (or v2beta1) discovery list.
  std::size_t start = 0;
  while (start <= accept.size()) {
    const std::size_t end = std::min(accept.find(',', start), accept.size());
    const std::string_view entry = accept.substr(start, end - start);
    if (entry.find("as=APIGroupDiscoveryList") != std::string_view::npos &&
        entry.find("g=apidiscovery.k8s.io") != std::string_view::npos &&
        (entry.find("v=v2;") != std::string_view::npos || entry.ends_with("v=v2") ||
         entry.find("v=v2beta1") != std::string_view::npos)) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

const std::vector<ServedResource>& served_resources() {
  static const std::vector<ServedResource> kResources = {
      {"",
       "v1",
       "namespaces",
       "namespace",
       "Namespace",
       false,
       {"create", "delete", "get", "list", "watch"},
       {"ns"},
       {},
       {}},
      {"",
       "v1",
       "pods",
       "pod",
       "Pod",
       true,
       kPodVerbs,
       {"po"},
       {"all"},
       {{"eviction", "Eviction", {"create"}}, {"log", "Pod", {"get"}}, {"status", "Pod", {"get"}}}},
      {"", "v1", "events", "event", "Event", true, kEventVerbs, {"ev"}, {}, {}},
      {"batch",
       "v1",
       "jobs",
       "job",
       "Job",
       true,
       kReadWrite,
       {},
       {"all"},
       {{"status", "Job", kStatusVerbs}}},
      // The same Events in the events.k8s.io/v1 form (api/event_conversion.hpp); read-only.
      {"events.k8s.io",
       "v1",
       "events",
       "event",
       "Event",
       true,
       {"get", "list", "watch"},
       {"ev"},
       {},
       {}},
  };
  return kResources;
}

std::string version_body(const ServerVersion& version) {
  ordered_json body;
  body["major"] = "1";
  body["minor"] = std::to_string(version.minor);
  std::string git_version = "v1.";
  git_version += std::to_string(version.minor);
  git_version += ".0-batchlet";
  if (!version.batchlet_version.empty()) git_version += "." + version.batchlet_version;
  body["gitVersion"] = git_version;
  body["gitCommit"] = "";
  body["gitTreeState"] = "clean";
  body["buildDate"] = "1970-01-01T00:00:00Z";
  body["goVersion"] = "";
  body["compiler"] = "gcc";
  body["platform"] = "linux/amd64";
  return body.dump();
}

std::optional<DiscoveryResponse> discovery_response(std::string_view path,
                                                    std::string_view accept) {
  const bool aggregated = wants_aggregated(accept);
  if (path == "/api") {
    if (aggregated) return DiscoveryResponse{std::string(kAggregatedV2), aggregated_list({""})};
    ordered_json versions;
    versions["kind"] = "APIVersions";
    versions["versions"] = {"v1"};
    versions["serverAddressByClientCIDRs"] =
        ordered_json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}});
    return DiscoveryResponse{"application/json", versions.dump()};
  }
  if (path == "/apis") {
    if (aggregated) {
      return DiscoveryResponse{std::string(kAggregatedV2), aggregated_list(named_groups())};
    }
    ordered_json groups;
    groups["kind"] = "APIGroupList";
    groups["apiVersion"] = "v1";
    groups["groups"] = ordered_json::array();
    for (const std::string& group : named_groups()) groups["groups"].push_back(api_group(group));
    return DiscoveryResponse{"application/json", groups.dump()};
  }
  if (path == "/api/v1") return DiscoveryResponse{"application/json", resource_list("", "v1")};
  for (const std::string& group : named_groups()) {
    if (path == "/apis/" + group) {
      ordered_json out = api_group(group);
      out = {{"kind", "APIGroup"},
             {"apiVersion", "v1"},
             {"name", group},
             {"versions", out["versions"]},
             {"preferredVersion", out["preferredVersion"]}};
      return DiscoveryResponse{"application/json", out.dump()};
    }
    if (path == "/apis/" + group + "/v1") {
      return DiscoveryResponse{"application/json", resource_list(group, "v1")};
    }
  }
  return std::nullopt;
}

}  // namespace api
