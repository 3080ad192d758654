// api/http_message.hpp: the HTTP request and response as the API's handlers see them, with no
// networking types (the server in api/http_server.* turns Beast messages into these and back).
//
// Contract:
// - A Request arrives complete (body read, size-checked) and authenticated: `identity` says who
//   sent it. Header names are lower-case; a handler reads them with header().
// - A Response either carries its whole body, or a Stream: then the server sends the status and
//   headers at once, the body chunked (Transfer-Encoding: chunked) as the stream produces it —
//   watches and `logs -f`. The stream may produce from any thread; the server serialises.
// - When the client goes away or the server stops, the server calls Stream::cancel() once; the
//   stream must then stop producing soon (writes after that are dropped, not errors).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace api::http {

// Who sent a request.
struct Identity {
  enum class Kind {
    anonymous,    // nothing presented (only reachable on endpoints that allow it)
    token,        // the bearer token of the TCP listener
    client_cert,  // a client certificate signed by our CA
    unix_peer     // a local process on the unix socket (SO_PEERCRED)
  };
  Kind kind = Kind::anonymous;
  std::string user;       // "admin" for the token / client cert, the login name for a unix peer
  std::uint32_t uid = 0;  // unix_peer only
  std::uint32_t gid = 0;  // unix_peer only
  std::vector<std::string> groups;
  // The one namespace this caller may use (a local user on a shared host: "user-<login>");
  // empty: every namespace (root, batchlet-admin, the token, a client certificate).
  std::string confined_namespace;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent: /apis/batch/v1/jobs?limit=500
  Headers headers;     // names lower-case, in arrival order
  std::string body;
  Identity identity;

  // The first value of header `name` (lower-case), if present.
  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return std::string_view(value);
    }
    return std::nullopt;
  }
};

// Where a Stream writes. Thread-safe; calls after the stream was cancelled are ignored.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends one chunk (e.g. one watch event); empty chunks are skipped.
  virtual void write(std::string chunk) = 0;
  // Ends the body (the last chunk); the connection then serves the next request.
  virtual void finish() = 0;
};

class Stream {
 public:
  virtual ~Stream() = default;
  // Called once, after the headers were sent. The stream may use the writer until it calls
  // finish(), or until cancel() returns — never after (the server may be gone by then).
  virtual void start(std::shared_ptr<StreamWriter> writer) = 0;
  // The client went away or the server stops.
  virtual void cancel() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;  // extra headers, e.g. {"Warning", "299 - \"...\""}
  std::string body;
  std::shared_ptr<Stream> stream;  // set: the body is streamed instead of `body`
};

using Handler = std::function<Response(const Request&)>;

}  // namespace api::http
