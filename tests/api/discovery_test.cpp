// Discovery documents and the kubeconfig, as pure functions.
#include "api/discovery.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/kubeconfig.hpp"
#include "base/encoding.hpp"

namespace {
constexpr const char* kKubectlAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/"
    "json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
}

TEST_CASE("kubectl's Accept gets the aggregated discovery with its media type", "[unit]") {
  auto apis = api::discovery_response("/apis", kKubectlAccept);
  REQUIRE(apis);
  CHECK(apis->content_type ==
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  const auto body = nlohmann::json::parse(apis->body);
  CHECK(body["kind"] == "APIGroupDiscoveryList");
  CHECK(body["items"][0]["metadata"]["name"] == "batch");
  const auto& jobs = body["items"][0]["versions"][0]["resources"][0];
  CHECK(jobs["resource"] == "jobs");
  CHECK(jobs["scope"] == "Namespaced");
  CHECK(jobs["responseKind"]["kind"] == "Job");
  CHECK(jobs["subresources"][0]["subresource"] == "status");

  auto core = api::discovery_response("/api", kKubectlAccept);
  REQUIRE(core);
  const auto core_body = nlohmann::json::parse(core->body);
  CHECK_FALSE(core_body["items"][0]["metadata"].contains("name"));
  std::vector<std::string> names;
  for (const auto& resource : core_body["items"][0]["versions"][0]["resources"]) {
    names.push_back(resource["resource"]);
  }
  CHECK(names == std::vector<std::string>{"namespaces", "pods", "events"});
}

TEST_CASE("other clients get the legacy discovery documents", "[unit]") {
  auto apis = api::discovery_response("/apis", "application/json, */*");
  REQUIRE(apis);
  CHECK(apis->content_type == "application/json");
  CHECK(
      apis->body ==
      R"({"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"batch","versions":[{"groupVersion":"batch/v1","version":"v1"}],"preferredVersion":{"groupVersion":"batch/v1","version":"v1"}},{"name":"events.k8s.io","versions":[{"groupVersion":"events.k8s.io/v1","version":"v1"}],"preferredVersion":{"groupVersion":"events.k8s.io/v1","version":"v1"}}]})");
  auto batch = api::discovery_response("/apis/batch/v1", "");
  REQUIRE(batch);
  CHECK(
      batch->body ==
      R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"batch/v1","resources":[{"name":"jobs","singularName":"job","namespaced":true,"kind":"Job","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"categories":["all"]},{"name":"jobs/status","singularName":"","namespaced":true,"kind":"Job","verbs":["get","patch","update"]}]})");
  auto core = api::discovery_response("/api/v1", "");
  REQUIRE(core);
  const auto core_body = nlohmann::json::parse(core->body);
  CHECK(core_body["groupVersion"] == "v1");
  CHECK(core_body["resources"][0]["name"] == "namespaces");
  CHECK(core_body["resources"][0]["namespaced"] == false);
  CHECK_FALSE(api::discovery_response("/apis/batch/v2", ""));
  CHECK_FALSE(api::discovery_response("/api/v1/pods", ""));
}

TEST_CASE("/version names the minor kubectl's dispatcher should pick", "[unit]") {
  CHECK(
      api::version_body({32, "0.1.0"}) ==
      R"({"major":"1","minor":"32","gitVersion":"v1.32.0-batchlet.0.1.0","gitCommit":"","gitTreeState":"clean","buildDate":"1970-01-01T00:00:00Z","goVersion":"","compiler":"gcc","platform":"linux/amd64"})");
}

TEST_CASE("the kubeconfig embeds the CA and token", "[unit]") {
  CHECK(base::base64_encode("") == "");
  CHECK(base::base64_encode("f") == "Zg==");
  CHECK(base::base64_encode("foobar") == "Zm9vYmFy");
  const std::string config = api::make_kubeconfig({"https://127.0.0.1:6443", "PEM", "tok", "ns1"});
  CHECK(config.find("    server: https://127.0.0.1:6443\n") != std::string::npos);
  CHECK(config.find("    certificate-authority-data: UEVN\n") != std::string::npos);
  CHECK(config.find("    token: \"tok\"\n") != std::string::npos);
  CHECK(config.find("    namespace: \"ns1\"\n") != std::string::npos);
  CHECK(config.find("current-context: batchlet\n") != std::string::npos);
}
