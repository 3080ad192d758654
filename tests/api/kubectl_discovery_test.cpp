// The real kubectl (/usr/bin/kubectl, with its version dispatcher) against the server's
// /version and discovery documents, through a kubeconfig of make_kubeconfig().
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "api/discovery.hpp"
#include "api/http_server.hpp"
#include "api/kubeconfig.hpp"
#include "api/status.hpp"
#include "api/tls_material.hpp"
#include "base/file.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

struct KubectlResult {
  int exit_code;
  std::string out;
  std::string err;
};

class DiscoveryServer {
 public:
  explicit DiscoveryServer(int minor) {
    auto material = api::ensure_tls_material(dir_.path() / "tls");
    REQUIRE(material.ok());
    api::http::ServerOptions options;
    options.bearer_token = "kubectl-test-token";
    server_ = api::http::Server::create(options, [minor](const api::http::Request& request) {
      api::http::Response response;
      const std::string path = request.target.substr(0, request.target.find('?'));
      if (path == "/version") {
        response.body = api::version_body({minor, "0.1.0"});
      } else if (auto found =
                     api::discovery_response(path, request.header("accept").value_or(""))) {
        response.content_type = found->content_type;
        response.body = found->body;
      } else {
        response.status = 404;
        response.body = api::encode_status(api::failure_status(
            404, "NotFound", "the server could not find the requested resource"));
      }
      return response;
    });
    auto port = server_->listen_tls("127.0.0.1", 0,
                                    {material->server_certificate, material->server_key, {}});
    REQUIRE(port.ok());
    server_->start();
    auto ca = base::read_file(material->ca_certificate);
    REQUIRE(ca.ok());
    kubeconfig_ = dir_.write(
        "kubeconfig.yaml", api::make_kubeconfig({"https://127.0.0.1:" + std::to_string(*port), *ca,
                                                 "kubectl-test-token", "default"}));
  }
  ~DiscoveryServer() { server_->stop(); }

  KubectlResult kubectl(const std::string& args) {
    const auto out = dir_.path() / "out";
    const auto err = dir_.path() / "err";
    const std::string command = "/usr/bin/kubectl --kubeconfig " + kubeconfig_.string() +
                                " --cache-dir " + (dir_.path() / "cache").string() + " " + args +
                                " >" + out.string() + " 2>" + err.string();
    const int status = std::system(command.c_str());
    return {WEXITSTATUS(status), base::read_file(out).value(), base::read_file(err).value()};
  }

 private:
  test_support::TempDir dir_{"batchlet-kubectl"};
  std::unique_ptr<api::http::Server> server_;
  std::filesystem::path kubeconfig_;
};

}  // namespace

TEST_CASE("kubectl discovers jobs, pods, events and namespaces", "[integration]") {
  for (int minor : {30, 32, 33}) {
    DYNAMIC_SECTION("server reports v1." << minor) {
      DiscoveryServer server(minor);
      auto resources = server.kubectl("api-resources --no-headers");
      INFO(resources.err);
      REQUIRE(resources.exit_code == 0);
      CHECK(resources.out.find("jobs") != std::string::npos);
      CHECK(resources.out.find("batch/v1") != std::string::npos);
      CHECK(resources.out.find("namespaces") != std::string::npos);
      CHECK(resources.out.find("pods") != std::string::npos);
      CHECK(resources.out.find("events") != std::string::npos);

      auto version = server.kubectl("version -o json");
      INFO(version.err);
      REQUIRE(version.exit_code == 0);
      CHECK(version.out.find("\"gitVersion\": \"v1." + std::to_string(minor) +
                             ".0-batchlet.0.1.0\"") != std::string::npos);
    }
  }
}
