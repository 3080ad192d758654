// cli/api_client.hpp: the HTTP/1.1 client the kubectl-like commands use to talk to a running
// agent: over its unix socket (SO_PEERCRED tells the agent who is calling, so no token), or over
// HTTPS with what a kubeconfig gives (CA, bearer token or client certificate; the server's
// certificate is verified against the CA and the host).
//
// Contract: every call opens its own connection (a unix socket connect costs microseconds and
// keeps the client stateless). request() returns the whole reply; stream() hands the body to
// `on_data` piece by piece as it arrives (watches, `logs -f`) until the server ends it or
// `on_data` returns false. A failure to connect says which socket and why; an HTTP error status
// is not a failure here: callers read the Status in the body (server_error()).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace cli {

struct ApiReply {
  int status = 0;
  std::string body;
  std::string content_type;
};

struct ApiRequest {
  std::string method = "GET";
  std::string target;  // path and query
  std::string body;
  std::string content_type;  // of the body
  std::string accept = "application/json";

  static ApiRequest read(std::string target, std::string accept = "application/json") {
    ApiRequest r;
    r.target = std::move(target);
    r.accept = std::move(accept);
    return r;
  }
  static ApiRequest write(std::string method, std::string target, std::string body,
                          std::string content_type) {
    ApiRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
  }
};

// The agent's HTTPS listener as a kubeconfig describes it (PEM texts, already read).
struct TlsTarget {
  std::string host;
  std::string port;
  std::string ca_pem;  // empty: the system's CAs
  std::string token;
  std::string client_cert_pem;
  std::string client_key_pem;
};

class ApiClient {
 public:
  explicit ApiClient(std::filesystem::path socket) : socket_(std::move(socket)) {}
  explicit ApiClient(TlsTarget tls) : tls_(std::move(tls)) {}

  base::Result<ApiReply> request(const ApiRequest& request) const;
  base::Result<ApiReply> get(const std::string& target,
                             const std::string& accept = "application/json") const {
    return request(ApiRequest::read(target, accept));
  }
  // The status code once the body ended; the body went to on_data (not to the reply) when the
  // status was 2xx, else it is returned whole in `error_body`.
  base::Result<int> stream(const ApiRequest& request,
                           const std::function<bool(std::string_view)>& on_data,
                           std::string& error_body) const;

  // The unix socket; empty when the client speaks HTTPS.
  const std::filesystem::path& socket() const { return socket_; }
  // Where requests go: the socket's path or https://host:port.
  std::string where() const;

 private:
  std::filesystem::path socket_;
  std::optional<TlsTarget> tls_;
};

// kubectl's words for a failed request: `Error from server (NotFound): jobs.batch "x" not found`
// from the Status in the body (or the body itself when it is not a Status); a 401 is
// "error: You must be logged in to the server (Unauthorized)".
std::string server_error(const ApiReply& reply);

// The socket a client uses: --socket when given, else $BATCHLET_SOCKET, else the caller's own
// rootless agent's (rootless_socket(): `serve --user`) when a non-root caller has one running,
// else /run/batchlet/batchlet.sock.
std::filesystem::path default_socket(const std::string& flag);
std::filesystem::path rootless_socket();

}  // namespace cli
