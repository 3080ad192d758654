// cli/api_client.hpp: the HTTP/1.1 client the kubectl-like commands use to talk to a running
// agent over its unix socket (SO_PEERCRED tells the agent who is calling, so no token).
//
// Contract: every call opens its own connection (a unix socket connect costs microseconds and
// keeps the client stateless). request() returns the whole reply; stream() hands the body to
// `on_data` piece by piece as it arrives (watches, `logs -f`) until the server ends it or
// `on_data` returns false. A failure to connect says which socket and why; an HTTP error status
// is not a failure here: callers read the Status in the body (server_error()).
#pragma once

#include <filesystem>
#include <functional>
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

class ApiClient {
 public:
  explicit ApiClient(std::filesystem::path socket) : socket_(std::move(socket)) {}

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

  const std::filesystem::path& socket() const { return socket_; }

 private:
  std::filesystem::path socket_;
};

// kubectl's words for a failed request: `Error from server (NotFound): jobs.batch "x" not found`
// from the Status in the body (or the body itself when it is not a Status).
std::string server_error(const ApiReply& reply);

// The socket a client uses: --socket when given, else $BATCHLET_SOCKET, else the caller's own
// rootless agent's (rootless_socket(): `serve --user`) when a non-root caller has one running,
// else /run/batchlet/batchlet.sock.
std::filesystem::path default_socket(const std::string& flag);
std::filesystem::path rootless_socket();

}  // namespace cli
