// URL → RequestInfo, with the verbs and path shapes of upstream's RequestInfoFactory tests.
#include "api/request_info.hpp"

#include <catch2/catch.hpp>

namespace {
api::RequestInfo parsed(std::string_view method, std::string_view target) {
  auto result = api::parse_request_info(method, target);
  INFO(result.error);
  REQUIRE(result.info);
  return *result.info;
}
}  // namespace

TEST_CASE("resource URLs name verb, namespace, resource, name and subresource", "[unit]") {
  struct Case {
    const char* method;
    const char* target;
    const char* verb;
    const char* group;
    const char* name_space;
    const char* resource;
    const char* name;
    const char* subresource;
  };
  const Case cases[] = {
      {"GET", "/apis/batch/v1/namespaces/default/jobs?limit=500", "list", "batch", "default",
       "jobs", "", ""},
      {"GET", "/apis/batch/v1/jobs", "list", "batch", "", "jobs", "", ""},
      {"GET", "/apis/batch/v1/namespaces/default/jobs/pi", "get", "batch", "default", "jobs", "pi",
       ""},
      {"GET", "/apis/batch/v1/namespaces/default/jobs?watch=true&resourceVersion=0", "watch",
       "batch", "default", "jobs", "", ""},
      {"GET", "/apis/batch/v1/namespaces/default/jobs?watch=1", "watch", "batch", "default", "jobs",
       "", ""},
      {"GET", "/apis/batch/v1/watch/namespaces/default/jobs", "watch", "batch", "default", "jobs",
       "", ""},
      {"GET", "/apis/batch/v1/namespaces/default/jobs?watch=false", "list", "batch", "default",
       "jobs", "", ""},
      // The Python client sends watch=True; metav1 reads every value but 0/false as true.
      {"GET", "/apis/batch/v1/namespaces/default/jobs?watch=True", "watch", "batch", "default",
       "jobs", "", ""},
      {"GET", "/apis/batch/v1/namespaces/default/jobs?watch=FALSE", "list", "batch", "default",
       "jobs", "", ""},
      {"GET", "/apis/batch/v1/namespaces/default/jobs?watch=0", "list", "batch", "default", "jobs",
       "", ""},
      {"PUT", "/apis/batch/v1/namespaces/default/jobs/pi/status", "update", "batch", "default",
       "jobs", "pi", "status"},
      {"PATCH", "/apis/batch/v1/namespaces/default/jobs/pi", "patch", "batch", "default", "jobs",
       "pi", ""},
      {"POST", "/apis/batch/v1/namespaces/default/jobs?fieldManager=kubectl-create", "create",
       "batch", "default", "jobs", "", ""},
      {"DELETE", "/apis/batch/v1/namespaces/default/jobs/pi", "delete", "batch", "default", "jobs",
       "pi", ""},
      {"DELETE", "/apis/batch/v1/namespaces/default/jobs", "deletecollection", "batch", "default",
       "jobs", "", ""},
      {"GET", "/api/v1/namespaces/default/pods/pi-abc/log?container=pi&follow=true", "get", "",
       "default", "pods", "pi-abc", "log"},
      {"POST", "/api/v1/namespaces/default/pods/pi-abc/eviction", "create", "", "default", "pods",
       "pi-abc", "eviction"},
      {"GET", "/api/v1/namespaces", "list", "", "", "namespaces", "", ""},
      {"GET", "/api/v1/namespaces/team-a", "get", "", "team-a", "namespaces", "team-a", ""},
      {"PUT", "/api/v1/namespaces/team-a/finalize", "update", "", "team-a", "namespaces", "team-a",
       "finalize"},
      {"POST", "/api/v1/namespaces", "create", "", "", "namespaces", "", ""},
      {"GET", "/api/v1/pods", "list", "", "", "pods", "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.method << " " << c.target);
    const auto info = parsed(c.method, c.target);
    CHECK(info.is_resource_request);
    CHECK(info.verb == c.verb);
    CHECK(info.api_group == c.group);
    CHECK(info.api_version == "v1");
    CHECK(info.name_space == c.name_space);
    CHECK(info.resource == c.resource);
    CHECK(info.name == c.name);
    CHECK(info.subresource == c.subresource);
  }
}

TEST_CASE("non-resource paths keep their path and a plain verb", "[unit]") {
  for (const char* target : {"/version?timeout=5s", "/healthz", "/openapi/v3", "/api", "/apis",
                             "/api/v1", "/apis/batch/v1"}) {
    INFO(target);
    const auto info = parsed("GET", target);
    CHECK_FALSE(info.is_resource_request);
    CHECK(info.verb == "get");
  }
  CHECK(parsed("GET", "/version?timeout=5s").path == "/version");
}

TEST_CASE("query parameters decode like Go's url.ParseQuery", "[unit]") {
  const auto info = parsed(
      "GET",
      "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dpi%2CinvolvedObject."
      "kind%3DJob&labelSelector=a+in+(x%2Cy)&limit=500&limit=7&flag");
  CHECK(info.param("fieldSelector") == "involvedObject.name=pi,involvedObject.kind=Job");
  CHECK(info.param("labelSelector") == "a in (x,y)");
  CHECK(info.param("limit") == "500");  // the first value counts
  CHECK(info.param("flag") == "");
  CHECK_FALSE(info.param("continue"));
}

TEST_CASE("undecodable or too deep URLs are reported", "[unit]") {
  CHECK(api::parse_request_info("GET", "/api/v1/pods?x=%zz").error ==
        "invalid URL escape in query x=%zz");
  CHECK(api::parse_request_info("GET", "/api/v1/po%2").error ==
        "invalid URL escape in path /api/v1/po%2");
  CHECK_FALSE(api::parse_request_info("GET", "/api/v1/namespaces/d/pods/p/log/extra").info);
  CHECK(api::percent_decode("a%2Fb+c", false) == "a/b+c");
  CHECK(api::percent_decode("a%2fb+c", true) == "a/b c");
  CHECK_FALSE(api::percent_decode("%4", true));
}
