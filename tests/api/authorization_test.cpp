// tests/api/authorization_test.cpp: a local user is confined to their own namespace; admins
// are not; refusals are the API server's 403 Status, word for word.
#include "api/authorization.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

using api::http::Identity;

Identity user(const std::string& login) {
  Identity id;
  id.kind = Identity::Kind::unix_peer;
  id.user = "system:unix:" + login;
  id.uid = 1001;
  id.gid = 1001;
  id.groups = {"system:authenticated"};
  id.confined_namespace = "user-" + login;
  return id;
}

api::RequestInfo request(const std::string& method, const std::string& target) {
  api::RequestInfoResult parsed = api::parse_request_info(method, target);
  REQUIRE(parsed.info);
  return *parsed.info;
}

// The Status of a refusal, or null when the request may go on.
nlohmann::json verdict(const Identity& who, bool namespaced, api::RequestInfo& info) {
  std::optional<api::http::Response> denied = api::authorize(who, namespaced, info);
  if (!denied) return nullptr;
  CHECK(denied->status == 403);
  return nlohmann::json::parse(denied->body);
}

}  // namespace

TEST_CASE("a local user may do anything in their own namespace", "[unit]") {
  const Identity alice = user("alice");
  for (auto [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/apis/batch/v1/namespaces/user-alice/jobs"},
           {"POST", "/apis/batch/v1/namespaces/user-alice/jobs"},
           {"DELETE", "/apis/batch/v1/namespaces/user-alice/jobs/pi"},
           {"PATCH", "/apis/batch/v1/namespaces/user-alice/jobs/pi/status"},
           {"GET", "/api/v1/namespaces/user-alice/pods/pi-x/log?follow=true"},
           {"GET", "/api/v1/namespaces/user-alice/events?watch=1"}}) {
    api::RequestInfo info = request(method, target);
    INFO(method << " " << target);
    CHECK(verdict(alice, true, info).is_null());
    CHECK(info.name_space == "user-alice");
  }
  api::RequestInfo own = request("GET", "/api/v1/namespaces/user-alice");
  CHECK(verdict(alice, false, own).is_null());
}

TEST_CASE("a list or watch across namespaces becomes one of the user's namespace", "[unit]") {
  const Identity alice = user("alice");
  for (const char* target :
       {"/apis/batch/v1/jobs", "/api/v1/pods?watch=true", "/apis/events.k8s.io/v1/events"}) {
    api::RequestInfo info = request("GET", target);
    CHECK(verdict(alice, true, info).is_null());
    CHECK(info.name_space == "user-alice");
  }
}

TEST_CASE("another namespace is 403 Forbidden in the API server's words", "[unit]") {
  const Identity alice = user("alice");
  api::RequestInfo get = request("GET", "/apis/batch/v1/namespaces/user-bob/jobs/pi");
  const nlohmann::json status = verdict(alice, true, get);
  CHECK(status["kind"] == "Status");
  CHECK(status["status"] == "Failure");
  CHECK(status["reason"] == "Forbidden");
  CHECK(status["code"] == 403);
  CHECK(status["message"] ==
        "jobs.batch \"pi\" is forbidden: User \"system:unix:alice\" cannot get resource \"jobs\" "
        "in API group \"batch\" in the namespace \"user-bob\"");
  CHECK(status["details"] == nlohmann::json{{"name", "pi"}, {"group", "batch"}, {"kind", "jobs"}});

  api::RequestInfo logs = request("GET", "/api/v1/namespaces/user-bob/pods/pi-x/log");
  CHECK(verdict(alice, true, logs)["message"] ==
        "pods \"pi-x\" is forbidden: User \"system:unix:alice\" cannot get resource \"pods/log\" "
        "in API group \"\" in the namespace \"user-bob\"");
  api::RequestInfo create = request("POST", "/apis/batch/v1/namespaces/default/jobs");
  CHECK(verdict(alice, true, create)["message"] ==
        "jobs.batch is forbidden: User \"system:unix:alice\" cannot create resource \"jobs\" in "
        "API group \"batch\" in the namespace \"default\"");
  api::RequestInfo watch = request("GET", "/apis/batch/v1/namespaces/user-bob/jobs?watch=1");
  CHECK(verdict(alice, true, watch)["message"] ==
        "jobs.batch is forbidden: User \"system:unix:alice\" cannot watch resource \"jobs\" in "
        "API group \"batch\" in the namespace \"user-bob\"");
  api::RequestInfo remove = request("DELETE", "/apis/batch/v1/namespaces/user-bob/jobs/pi");
  CHECK(verdict(alice, true, remove)["reason"] == "Forbidden");
  api::RequestInfo sweep = request("DELETE", "/apis/batch/v1/namespaces/user-bob/jobs");
  CHECK(verdict(alice, true, sweep)["reason"] == "Forbidden");
}

TEST_CASE("namespaces: a user reads only their own and changes none", "[unit]") {
  const Identity alice = user("alice");
  api::RequestInfo list = request("GET", "/api/v1/namespaces");
  CHECK(verdict(alice, false, list)["message"] ==
        "namespaces is forbidden: User \"system:unix:alice\" cannot list resource \"namespaces\" "
        "in API group \"\" at the cluster scope");
  api::RequestInfo other = request("GET", "/api/v1/namespaces/user-bob");
  CHECK(verdict(alice, false, other)["reason"] == "Forbidden");
  api::RequestInfo create = request("POST", "/api/v1/namespaces");
  CHECK(verdict(alice, false, create)["reason"] == "Forbidden");
  api::RequestInfo remove = request("DELETE", "/api/v1/namespaces/user-alice");
  CHECK(verdict(alice, false, remove)["reason"] == "Forbidden");
}

TEST_CASE("admins and non-resource paths are not confined", "[unit]") {
  Identity admin;
  admin.kind = Identity::Kind::unix_peer;
  admin.user = "admin";
  admin.groups = {"system:masters"};
  for (const char* target : {"/apis/batch/v1/namespaces/user-bob/jobs/pi", "/api/v1/namespaces"}) {
    api::RequestInfo info = request("GET", target);
    CHECK(verdict(admin, true, info).is_null());
  }
  api::RequestInfo all = request("GET", "/apis/batch/v1/jobs");
  CHECK(verdict(admin, true, all).is_null());
  CHECK(all.name_space.empty());
  for (const char* target : {"/version", "/apis", "/openapi/v2", "/healthz"}) {
    api::RequestInfo info = request("GET", target);
    CHECK(verdict(user("alice"), false, info).is_null());
  }
}

TEST_CASE("a user's namespace is user-<login>, or user-<uid> when the login is no label",
          "[unit]") {
  CHECK(api::user_namespace("alice", 1001) == "user-alice");
  CHECK(api::user_namespace("j-doe2", 1002) == "user-j-doe2");
  CHECK(api::user_namespace("John.Doe", 1003) == "user-1003");
  CHECK(api::user_namespace("svc_batch", 1004) == "user-1004");
  CHECK(api::user_namespace(std::string(60, 'a'), 1005) == "user-1005");
}
