// cli/api_client.cpp: HTTP/1.1 over the agent's unix socket with Boost.Beast, synchronously.
#include "cli/api_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/paths.hpp"

namespace cli {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Socket = asio::local::stream_protocol::socket;

namespace {

// A request the agent does not answer within this time is reported, not waited for forever
// (watches and `logs -f` stream without it).
constexpr int kReplyTimeoutSeconds = 60;

base::Result<void> connect(Socket& socket, const std::filesystem::path& path) {
  boost::system::error_code ec;
  socket.connect(asio::local::stream_protocol::endpoint(path.string()), ec);
  if (ec) {
    return base::Error("connect to the batchlet agent at " + path.string() + ": " + ec.message() +
                       " (is `batchlet serve` running? --socket names another socket)");
  }
  return {};
}

http::request<http::string_body> make_request(const ApiRequest& request) {
  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, "localhost");
  message.set(http::field::user_agent, "batchlet");
  message.set(http::field::accept, request.accept);
  message.set(http::field::connection, "close");
  if (!request.body.empty() || request.method != "GET") {
    if (!request.content_type.empty()) message.set(http::field::content_type, request.content_type);
    message.body() = request.body;
    message.prepare_payload();
  }
  return message;
}

std::string request_line(const ApiRequest& request) {
  return request.method + " " + request.target;
}

}  // namespace

base::Result<ApiReply> ApiClient::request(const ApiRequest& request) const {
  asio::io_context io;
  Socket socket(io);
  if (auto s = connect(socket, socket_); !s) return s.error();
  const timeval timeout{kReplyTimeoutSeconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  boost::system::error_code ec;
  http::write(socket, make_request(request), ec);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  if (!ec) http::read(socket, buffer, parser, ec);
  if (ec) return base::Error(request_line(request) + ": " + ec.message());
  auto& response = parser.get();
  return ApiReply{static_cast<int>(response.result_int()), std::move(response.body()),
                  std::string(response[http::field::content_type])};
}

base::Result<int> ApiClient::stream(const ApiRequest& request,
                                    const std::function<bool(std::string_view)>& on_data,
                                    std::string& error_body) const {
  asio::io_context io;
  Socket socket(io);
  if (auto s = connect(socket, socket_); !s) return s.error();
  boost::system::error_code ec;
  http::write(socket, make_request(request), ec);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  if (!ec) http::read_header(socket, buffer, parser, ec);
  if (ec) return base::Error(request_line(request) + ": " + ec.message());
  const int status = static_cast<int>(parser.get().result_int());
  const bool success = status >= 200 && status < 300;
  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    // read_some: hand over what has arrived (a watch event, a log line) without waiting for
    // the buffer to fill.
    http::read_some(socket, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return base::Error(request_line(request) + ": " + ec.message());
    const std::string_view piece(chunk, sizeof chunk - parser.get().body().size);
    if (piece.empty()) continue;
    if (!success) {
      error_body.append(piece);
    } else if (!on_data(piece)) {
      break;
    }
  }
  return status;
}

std::string server_error(const ApiReply& reply) {
  auto status = nlohmann::json::parse(reply.body, nullptr, false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    const auto message = status.value("message", "");
    const auto reason = status.value("reason", "");
    // kubectl says "Error from server (Reason): message", or without the reason when the
    // Status has none.
    return reason.empty() ? "Error from server: " + message
                          : "Error from server (" + reason + "): " + message;
  }
  std::string body = reply.body;
  while (!body.empty() && body.back() == '\n') body.pop_back();
  return "Error from server: the server answered " + std::to_string(reply.status) +
         (body.empty() ? "" : ": " + body);
}

std::filesystem::path rootless_socket() {
  return base::Paths(base::user_dirs().state_dir, base::user_dirs().run_dir).socket();
}

std::filesystem::path default_socket(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("BATCHLET_SOCKET"); env && *env) return env;
  if (::geteuid() != 0) {
    const auto own = rootless_socket();
    std::error_code ec;
    if (std::filesystem::exists(own, ec)) return own;
  }
  return "/run/batchlet/batchlet.sock";
}

}  // namespace cli
