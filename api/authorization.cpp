// api/authorization.cpp: namespace confinement of local users.
// Contract: see authorization.hpp.
#include "api/authorization.hpp"

#include "api/name_rules.hpp"
#include "api/rest_common.hpp"

namespace api {

namespace {

// upstream's forbiddenMessage (apiserver/pkg/endpoints/handlers/responsewriters).
std::string why(const http::Identity& identity, const RequestInfo& info) {
  std::string resource = info.resource;
  if (!info.subresource.empty()) resource += "/" + info.subresource;
  std::string text = "User \"" + identity.user + "\" cannot " + info.verb + " resource \"" +
                     resource + "\" in API group \"" + info.api_group + "\"";
  if (info.name_space.empty()) return text + " at the cluster scope";
  return text + " in the namespace \"" + info.name_space + "\"";
}

}  // namespace

std::optional<http::Response> authorize(const http::Identity& identity, bool namespaced,
                                        RequestInfo& info) {
  const std::string& own = identity.confined_namespace;
  if (own.empty() || !info.is_resource_request) return std::nullopt;
  if (namespaced) {
    if (info.name_space == own) return std::nullopt;
    if (info.name_space.empty() && (info.verb == "list" || info.verb == "watch")) {
      info.name_space = own;
      return std::nullopt;
    }
  } else if (info.resource == "namespaces" && info.verb == "get" && info.name == own) {
    return std::nullopt;
  }
  return rest::forbidden_response(info.api_group, info.resource, info.name, why(identity, info));
}

std::string user_namespace(const std::string& login, unsigned uid) {
  std::string name = "user-" + login;
  if (dns1123_label_errors(name).empty()) return name;
  return "user-" + std::to_string(uid);
}

}  // namespace api
