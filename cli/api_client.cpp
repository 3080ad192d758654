// cli/api_client.cpp: HTTP/1.1 over the agent's unix socket or HTTPS with Boost.Beast,
// synchronously.
#include "cli/api_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/paths.hpp"

namespace cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using UnixSocket = asio::local::stream_protocol::socket;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// A request the agent does not answer within this time is reported, not waited for forever
// (watches and `logs -f` stream without it).
constexpr int kReplyTimeoutSeconds = 60;

// One connection to the agent, whichever transport.
class Connection {
 public:
  Connection() : unix_(io_), tls_context_(asio::ssl::context::tls_client) {}

  base::Status open_unix(const std::filesystem::path& path) {
    boost::system::error_code ec;
    unix_.connect(asio::local::stream_protocol::endpoint(path.string()), ec);
    if (ec) {
      return base::Error("connect to the batchlet agent at " + path.string() + ": " + ec.message() +
                         " (is `batchlet serve` running? --socket names another socket)");
    }
    return {};
  }

  base::Status open_tls(const TlsTarget& target) {
    const std::string where = "https://" + target.host + ":" + target.port;
    boost::system::error_code ec;
    if (target.ca_pem.empty()) {
      tls_context_.set_default_verify_paths(ec);
    } else {
      tls_context_.add_certificate_authority(asio::buffer(target.ca_pem), ec);
    }
    if (!ec && !target.client_cert_pem.empty()) {
      tls_context_.use_certificate_chain(asio::buffer(target.client_cert_pem), ec);
      if (!ec) {
        tls_context_.use_private_key(asio::buffer(target.client_key_pem), asio::ssl::context::pem,
                                     ec);
      }
    }
    if (ec) return base::Error(where + ": the kubeconfig's certificates: " + ec.message());
    tls_.emplace(io_, tls_context_);
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(target.host));
    if (!::SSL_set_tlsext_host_name(tls_->native_handle(), target.host.c_str())) {
      return base::Error(where + ": cannot set the TLS server name");
    }
    asio::ip::tcp::resolver resolver(io_);
    auto addresses = resolver.resolve(target.host, target.port, ec);
    if (!ec) beast::get_lowest_layer(*tls_).connect(addresses, ec);
    if (!ec) tls_->handshake(asio::ssl::stream_base::client, ec);
    if (ec) return base::Error("connect to the batchlet agent at " + where + ": " + ec.message());
    return {};
  }

  // A reply must come within kReplyTimeoutSeconds.
  void reply_timeout() {
    if (tls_) {
      beast::get_lowest_layer(*tls_).expires_after(std::chrono::seconds(kReplyTimeoutSeconds));
    } else {
      const timeval timeout{kReplyTimeoutSeconds, 0};
      ::setsockopt(unix_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
  }

  // Calls `use` with the open stream, whichever transport it is.
  template <class Use>
  void with_stream(Use&& use) {
    if (tls_) {
      use(*tls_);
    } else {
      use(unix_);
    }
  }

 private:
  asio::io_context io_;
  UnixSocket unix_;
  asio::ssl::context tls_context_;
  std::optional<TlsStream> tls_;
};

http::request<http::string_body> make_request(const ApiRequest& request, const std::string& host,
                                              const std::string& token) {
  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, host);
  message.set(http::field::user_agent, "batchlet");
  message.set(http::field::accept, request.accept);
  message.set(http::field::connection, "close");
  if (!token.empty()) message.set(http::field::authorization, "Bearer " + token);
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

std::string ApiClient::where() const {
  return tls_ ? "https://" + tls_->host + ":" + tls_->port : socket_.string();
}

base::Result<ApiReply> ApiClient::request(const ApiRequest& request) const {
  Connection connection;
  if (auto s = tls_ ? connection.open_tls(*tls_) : connection.open_unix(socket_); !s) {
    return s.error();
  }
  connection.reply_timeout();
  boost::system::error_code ec;
  auto message = make_request(request, tls_ ? tls_->host : "localhost", tls_ ? tls_->token : "");
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  connection.with_stream([&](auto& stream) {
    http::write(stream, message, ec);
    if (!ec) http::read(stream, buffer, parser, ec);
  });
  if (ec) return base::Error(request_line(request) + ": " + ec.message());
  auto& response = parser.get();
  return ApiReply{static_cast<int>(response.result_int()), std::move(response.body()),
                  std::string(response[http::field::content_type])};
}

base::Result<int> ApiClient::stream(const ApiRequest& request,
                                    const std::function<bool(std::string_view)>& on_data,
                                    std::string& error_body) const {
  Connection connection;
  if (auto s = tls_ ? connection.open_tls(*tls_) : connection.open_unix(socket_); !s) {
    return s.error();
  }
  boost::system::error_code ec;
  auto message = make_request(request, tls_ ? tls_->host : "localhost", tls_ ? tls_->token : "");
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  connection.with_stream([&](auto& stream) {
    http::write(stream, message, ec);
    if (!ec) http::read_header(stream, buffer, parser, ec);
  });
  if (ec) return base::Error(request_line(request) + ": " + ec.message());
  const int status = static_cast<int>(parser.get().result_int());
  const bool success = status >= 200 && status < 300;
  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    // read_some: hand over what has arrived (a watch event, a log line) without waiting for
    // the buffer to fill.
    connection.with_stream([&](auto& stream) { http::read_some(stream, buffer, parser, ec); });
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
  // kubectl's words for a credential the server does not take.
  if (reply.status == 401) return "error: You must be logged in to the server (Unauthorized)";
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
  const base::UserDirs dirs = base::user_dirs();
  return base::Paths(dirs.state_dir, dirs.run_dir).socket();
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
