// api/http_server.hpp: the API's HTTP/1.1 server — Boost.Beast on one io_context with a small
// thread pool — on a loopback TLS port and on a unix socket, with the same handler on both.
//
// Contract:
// - Every connection is a session on its own strand: requests on one connection are answered in
//   order, HTTP/1.1 keep-alive; no thread per request or per connection.
// - Timeouts on every read: a client that sends nothing (or a request slower than
//   `read_timeout`) is disconnected; an idle keep-alive connection is closed after
//   `idle_timeout`. Streams (watch, logs -f) are not subject to the idle timeout.
// - A body larger than `body_limit` is refused with 413 RequestEntityTooLarge before it is read
//   whole; malformed HTTP gets 400 and the connection closes. Nothing a client sends can stop the
//   server.
// - Authentication happens before the handler runs. TCP (always TLS): `Authorization: Bearer
//   <token>` equal to `bearer_token`, or a client certificate signed by the CA; anything else gets
//   401 Unauthorized as a meta/v1 Status — except paths in `anonymous_paths` (health checks).
//   Unix socket: `unix_peer_identity(fd)` names the caller (the server itself knows nothing of
//   Linux; the caller supplies SO_PEERCRED). A failure there is 401 too.
// - stop() stops accepting, cancels running streams, closes connections, and joins the threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/http_message.hpp"
#include "base/result.hpp"

namespace api::http {

struct TlsFiles {
  std::filesystem::path certificate_chain;
  std::filesystem::path private_key;
  std::filesystem::path client_ca;  // empty: no client certificates
};

struct ServerOptions {
  std::size_t threads = 2;
  std::size_t body_limit = 3 * 1024 * 1024;  // the API server's limit (spec, base/limits.hpp)
  std::chrono::milliseconds read_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  std::string bearer_token;
  std::vector<std::string> anonymous_paths = {"/healthz", "/livez", "/readyz"};
  // Given the connected unix socket's fd, who is on the other end.
  std::function<base::Result<Identity>(int native_fd)> unix_peer_identity;
};

class Server {
 public:
  static std::unique_ptr<Server> create(ServerOptions options, Handler handler);
  virtual ~Server() = default;

  // Listens with TLS on address:port (port 0 picks a free one); returns the bound port.
  virtual base::Result<std::uint16_t> listen_tls(const std::string& address, std::uint16_t port,
                                                 const TlsFiles& tls) = 0;
  // Listens on a unix socket at `path` (a stale socket file is replaced). Its mode is the
  // umask's: who else may connect is the caller's choice (batchlet.socket uses 0666).
  virtual base::Status listen_unix(const std::filesystem::path& path) = 0;
  // Serves an already listening unix socket (socket activation); takes ownership of `fd`.
  virtual base::Status adopt_unix(int fd) = 0;

  // Starts the threads. Returns at once.
  virtual void start() = 0;
  virtual void stop() = 0;
};

}  // namespace api::http
