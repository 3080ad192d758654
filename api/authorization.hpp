// api/authorization.hpp: what a caller may do, the part of the API server's RBAC a shared host
// needs. Admins (root, group batchlet-admin, the token, a client certificate) may do anything;
// a local user is confined to one namespace of their own ("user-<login>").
//
// Contract: authorize() runs after authentication and before any handler. For a confined
// caller it allows every verb on namespaced resources in their namespace, turns a list or
// watch across all namespaces into one of their namespace (so it returns only what they may
// see, as the issue asks, where upstream would refuse it), and allows reading their Namespace
// object; anything else is 403 Forbidden in the API server's words:
//   jobs.batch "pi" is forbidden: User "system:unix:bob" cannot get resource "jobs" in API
//   group "batch" in the namespace "user-alice"
// Non-resource requests (discovery, /version, /healthz, OpenAPI) are never refused here.
#pragma once

#include <optional>
#include <string>

#include "api/http_message.hpp"
#include "api/request_info.hpp"

namespace api {

// nullopt: go on (possibly with info.name_space narrowed); else the 403 to send.
std::optional<http::Response> authorize(const http::Identity& identity, bool namespaced,
                                        RequestInfo& info);

// The namespace of local user `login` (uid `uid`): "user-<login>" when that is a valid
// namespace name (DNS-1123 label, lower case), else "user-<uid>".
std::string user_namespace(const std::string& login, unsigned uid);

}  // namespace api
