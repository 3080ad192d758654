// The HTTP server over real sockets: TLS with our own CA, bearer tokens and client
// certificates, the unix socket's caller identity, body limits, keep-alive, chunked streams,
// and clients that misbehave.
#include "api/http_server.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/tls_material.hpp"
#include "tests/api/http_test_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using api::http::Identity;
using api::http::Request;
using api::http::Response;
using http_test::TlsClient;
using http_test::UnixClient;

constexpr const char* kToken = "s3cret-token";

// A stream that writes `chunks` then finishes — or, with hold_open, waits for cancel().
class ScriptedStream : public api::http::Stream {
 public:
  ScriptedStream(std::vector<std::string> chunks, bool hold_open)
      : chunks_(std::move(chunks)), hold_open_(hold_open) {}

  void start(std::shared_ptr<api::http::StreamWriter> writer) override {
    for (auto& chunk : chunks_) writer->write(chunk);
    if (!hold_open_) writer->finish();
  }
  void cancel() override {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }
  bool wait_cancelled() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return cancelled_; });
  }

 private:
  std::vector<std::string> chunks_;
  bool hold_open_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool cancelled_ = false;
};

struct Fixture {
  test_support::TempDir dir{"batchlet-http"};
  api::TlsMaterial tls;
  std::unique_ptr<api::http::Server> server;
  std::uint16_t port = 0;
  std::shared_ptr<ScriptedStream> held_stream =
      std::make_shared<ScriptedStream>(std::vector<std::string>{"first\n"}, true);
  std::atomic<int> requests{0};

  explicit Fixture(api::http::ServerOptions options = {}) {
    auto material = api::ensure_tls_material(dir.path() / "tls");
    REQUIRE(material.ok());
    tls = *material;
    options.bearer_token = kToken;
    if (!options.unix_peer_identity) {
      options.unix_peer_identity = [](int fd) -> base::Result<Identity> {
        if (fd < 0) return base::Error("bad fd");
        return Identity{Identity::Kind::unix_peer, "alice", 1000, 1000, {}, {}};
      };
    }
    options.body_limit = 1024;
    server = api::http::Server::create(options, [this](const Request& request) {
      ++requests;
      return handle(request);
    });
    auto bound = server->listen_tls("127.0.0.1", 0,
                                    {tls.server_certificate, tls.server_key, tls.ca_certificate});
    REQUIRE(bound.ok());
    port = *bound;
    REQUIRE(server->listen_unix(dir.path() / "api.sock").ok());
    server->start();
  }
  ~Fixture() { server->stop(); }

  Response handle(const Request& request) {
    Response response;
    if (request.target == "/boom") throw std::runtime_error("handler bug");
    if (request.target == "/stream") {
      response.stream = std::make_shared<ScriptedStream>(
          std::vector<std::string>{"{\"type\":\"ADDED\"}\n", "{\"type\":\"MODIFIED\"}\n"}, false);
      return response;
    }
    if (request.target == "/hold") {
      response.stream = held_stream;
      return response;
    }
    response.content_type = "text/plain";
    response.body = request.method + " " + request.target + " user=" + request.identity.user +
                    " kind=" + std::to_string(static_cast<int>(request.identity.kind)) +
                    " body=" + request.body +
                    " agent=" + std::string(request.header("user-agent").value_or("-"));
    for (const auto& group : request.identity.groups) response.body += " group=" + group;
    return response;
  }
};

}  // namespace

TEST_CASE("TLS requests with the token reach the handler, keep-alive included", "[integration]") {
  Fixture fixture;
  TlsClient client(fixture.port, fixture.tls.ca_certificate);
  auto first = client.send("GET", "/apis/batch/v1/jobs?limit=500", kToken);
  CHECK(first.status == 200);
  CHECK(first.content_type == "text/plain");
  CHECK(first.body ==
        "GET /apis/batch/v1/jobs?limit=500 user=admin kind=1 body= agent=- group=system:masters");
  auto second = client.send("POST", "/x", kToken, "{}");  // same connection
  CHECK(second.body.rfind("POST /x user=admin kind=1 body={}", 0) == 0);
  CHECK(fixture.requests == 2);
}

TEST_CASE("requests without a valid token get a 401 Status", "[integration]") {
  Fixture fixture;
  const std::string unauthorized =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})";
  {
    TlsClient client(fixture.port, fixture.tls.ca_certificate);
    auto none = client.send("GET", "/api");
    CHECK(none.status == 401);
    CHECK(none.body == unauthorized);
    auto wrong = client.send("GET", "/api", "not-the-token");
    CHECK(wrong.status == 401);
    CHECK(wrong.body == unauthorized);
    // Health checks are open, but a wrong token is still wrong there.
    CHECK(client.send("GET", "/healthz").status == 200);
    CHECK(client.send("GET", "/healthz", "bad").status == 401);
  }
  CHECK(fixture.requests == 1);
}

TEST_CASE("a client certificate of our CA authenticates as its CN and groups", "[integration]") {
  Fixture fixture;
  auto cert = api::issue_client_certificate(fixture.tls, "bob", {"team-a", "batchlet-admin"});
  REQUIRE(cert.ok());
  TlsClient client(fixture.port, fixture.tls.ca_certificate, cert->certificate_pem, cert->key_pem);
  auto reply = client.send("GET", "/who");
  CHECK(reply.status == 200);
  CHECK(reply.body == "GET /who user=bob kind=2 body= agent=- group=team-a group=batchlet-admin");

  // A certificate from another CA is refused.
  test_support::TempDir other_dir("batchlet-other-ca");
  auto other = api::ensure_tls_material(other_dir.path());
  REQUIRE(other.ok());
  auto foreign = api::issue_client_certificate(*other, "mallory", {"batchlet-admin"});
  REQUIRE(foreign.ok());
  TlsClient intruder(fixture.port, fixture.tls.ca_certificate, foreign->certificate_pem,
                     foreign->key_pem);
  CHECK(intruder.send("GET", "/who").status == 401);
}

TEST_CASE("the unix socket names its caller, or refuses it", "[integration]") {
  {
    Fixture fixture;
    UnixClient client(fixture.dir.path() / "api.sock");
    auto reply = client.send("GET", "/api/v1/namespaces");
    CHECK(reply.status == 200);
    CHECK(reply.body == "GET /api/v1/namespaces user=alice kind=3 body= agent=-");
  }
  {
    api::http::ServerOptions options;
    options.unix_peer_identity = [](int) -> base::Result<Identity> {
      return base::Error("getsockopt SO_PEERCRED: Bad file descriptor");
    };
    Fixture fixture(options);
    UnixClient client(fixture.dir.path() / "api.sock");
    CHECK(client.send("GET", "/api").status == 401);
    CHECK(fixture.requests == 0);
  }
}

TEST_CASE("bodies over the limit get 413 and the server keeps serving", "[integration]") {
  Fixture fixture;
  {
    TlsClient client(fixture.port, fixture.tls.ca_certificate);
    auto reply = client.send("POST", "/apis/batch/v1/namespaces/default/jobs", kToken,
                             std::string(4096, 'x'));
    CHECK(reply.status == 413);
    CHECK(
        reply.body ==
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Request entity too large: limit is 1024","reason":"RequestEntityTooLarge","code":413})");
  }
  TlsClient again(fixture.port, fixture.tls.ca_certificate);
  CHECK(again.send("POST", "/ok", kToken, std::string(1024, 'y')).status == 200);
  CHECK(fixture.requests == 1);
}

TEST_CASE("malformed requests and handler failures cost one request, not the server",
          "[integration]") {
  Fixture fixture;
  {
    UnixClient raw(fixture.dir.path() / "api.sock");
    const std::string garbage = "NOT HTTP AT ALL\r\n\r\n";
    boost::asio::write(raw.stream(), boost::asio::buffer(garbage));
    http_test::bhttp::response<http_test::bhttp::string_body> response;
    http_test::bhttp::read(raw.stream(), raw.buffer(), response);
    CHECK(response.result_int() == 400);
  }
  {
    TlsClient client(fixture.port, fixture.tls.ca_certificate);
    auto reply = client.send("GET", "/boom", kToken);
    CHECK(reply.status == 500);
    CHECK(
        reply.body ==
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: handler bug","reason":"InternalError","code":500})");
    CHECK(client.send("GET", "/fine", kToken).status == 200);
  }
}

TEST_CASE("a client that stops sending is disconnected by the read timeout", "[integration]") {
  api::http::ServerOptions options;
  options.read_timeout = std::chrono::milliseconds(200);
  options.idle_timeout = std::chrono::milliseconds(200);
  Fixture fixture(options);
  UnixClient slow(fixture.dir.path() / "api.sock");
  const std::string partial = "GET /api HTTP/1.1\r\nHost: x\r\n";  // never finished
  boost::asio::write(slow.stream(), boost::asio::buffer(partial));
  char byte;
  boost::system::error_code ec;
  slow.stream().socket().read_some(boost::asio::buffer(&byte, 1), ec);
  CHECK(ec == boost::asio::error::eof);
  CHECK(fixture.requests == 0);
}

TEST_CASE("streams arrive chunked, and a client leaving cancels its stream", "[integration]") {
  Fixture fixture;
  {
    TlsClient client(fixture.port, fixture.tls.ca_certificate);
    auto reply = client.send("GET", "/stream", kToken);
    CHECK(reply.status == 200);
    CHECK(reply.chunked);
    CHECK(reply.body == "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\n");
  }
  {
    UnixClient client(fixture.dir.path() / "api.sock");
    http_test::bhttp::request<http_test::bhttp::empty_body> request(http_test::bhttp::verb::get,
                                                                    "/hold", 11);
    http_test::bhttp::write(client.stream(), request);
    http_test::bhttp::response_parser<http_test::bhttp::empty_body> header;
    http_test::bhttp::read_header(client.stream(), client.buffer(), header);
    CHECK(header.get().result_int() == 200);
    CHECK(header.chunked());
  }  // the client disconnects here
  CHECK(fixture.held_stream->wait_cancelled());
}
