// tests/api/kubeconfig_test.cpp: the kubeconfig batchlet writes reads back, and a client learns
// from any kubeconfig what it needs (or why it cannot use it).
#include "api/kubeconfig.hpp"

#include <catch2/catch.hpp>

namespace {

const api::KubeconfigTarget* target_of(const std::variant<api::KubeconfigTarget, std::string>& v) {
  if (const auto* error = std::get_if<std::string>(&v)) UNSCOPED_INFO(*error);
  return std::get_if<api::KubeconfigTarget>(&v);
}

}  // namespace

TEST_CASE("the kubeconfig serve writes parses back to its server, CA and token", "[unit]") {
  const std::string text = api::make_kubeconfig(
      {"https://127.0.0.1:6443", "-----BEGIN CERTIFICATE-----\nabc\n", "t0k3n", "user-alice"});
  const auto parsed = api::parse_kubeconfig(text);
  const auto* target = target_of(parsed);
  REQUIRE(target);
  CHECK(target->server_url == "https://127.0.0.1:6443");
  CHECK(target->ca_pem == "-----BEGIN CERTIFICATE-----\nabc\n");
  CHECK(target->token == "t0k3n");
  CHECK(target->ns == "user-alice");
}

TEST_CASE("kubeconfig: another context, file references, client certificates", "[unit]") {
  const std::string text = R"(apiVersion: v1
kind: Config
current-context: a
contexts:
- {name: a, context: {cluster: c1, user: u1}}
- {name: b, context: {cluster: c2, user: u2, namespace: team}}
clusters:
- {name: c1, cluster: {server: "https://h1:1", certificate-authority: ca.pem}}
- {name: c2, cluster: {server: "https://[::1]:2", certificate-authority-data: Zm9v}}
users:
- {name: u1, user: {tokenFile: /run/token}}
- {name: u2, user: {client-certificate-data: Y2VydA==, client-key-data: a2V5}}
)";
  const auto a = api::parse_kubeconfig(text);
  REQUIRE(target_of(a));
  CHECK(target_of(a)->ca_file == "ca.pem");
  CHECK(target_of(a)->token_file == "/run/token");
  CHECK(target_of(a)->ns.empty());
  const auto b = api::parse_kubeconfig(text, "b");
  REQUIRE(target_of(b));
  CHECK(target_of(b)->server_url == "https://[::1]:2");
  CHECK(target_of(b)->ca_pem == "foo");
  CHECK(target_of(b)->client_cert_pem == "cert");
  CHECK(target_of(b)->client_key_pem == "key");
  CHECK(target_of(b)->ns == "team");
}

TEST_CASE("kubeconfig: what makes one unusable is said", "[unit]") {
  const auto error = [](const std::string& text, const std::string& context = "") {
    const auto parsed = api::parse_kubeconfig(text, context);
    return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
  };
  const std::string ok =
      "current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n"
      "clusters: [{name: c, cluster: {server: \"http://h:1\"}}]\nusers: [{name: u, user: {}}]\n";
  CHECK(error(ok) ==
        "cluster \"c\": server \"http://h:1\" is not https:// (batchlet's API is HTTPS only)");
  CHECK(error(ok, "zz") == "context \"zz\" not found");
  CHECK(error("kind: Config\n") == "no current-context");
  CHECK(error("- a\n") == "not a kubeconfig (expected one mapping)");
  CHECK(error("current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n") ==
        "cluster \"c\" not found");
}
