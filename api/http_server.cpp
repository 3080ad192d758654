#include "api/http_server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "api/status.hpp"

namespace api::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

// Headers larger than this are refused (the API server's Go http.Server allows 1 MiB; kubectl
// sends well under 4 KiB).
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

std::string status_body(int code, std::string_view reason, std::string_view message) {
  return encode_status(failure_status(code, reason, message));
}

Response status_response(int code, std::string_view reason, std::string_view message) {
  Response response;
  response.status = code;
  response.body = status_body(code, reason, message);
  return response;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string path_of(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

class ServerImpl;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using UnixStream = beast::basic_stream<unix_socket>;
template <typename Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// What the server needs to know of every live session, to close it on stop().
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
};

// One connection. `Stream` is an ssl_stream over a tcp_stream, or a basic_stream over a unix
// socket; everything else is the same.
template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `unix_identity`: who is on the other end of a unix socket (nullopt: unknown, refused).
  Session(ServerImpl& server, Stream stream, std::optional<Identity> unix_identity, bool is_tls)
      : server_(server),
        stream_(std::move(stream)),
        unix_identity_(std::move(unix_identity)),
        is_tls_(is_tls) {}

  void run();
  void close() override;

 private:
  auto& lowest() { return beast::get_lowest_layer(stream_); }
  void read_header();
  void on_header(beast::error_code ec);
  void on_body(beast::error_code ec);
  void respond(Response response, bool keep_alive);
  void refuse_too_large();
  void fail_and_close(int code, std::string_view reason, std::string_view message);
  void shutdown();
  Identity authenticate(const Request& request, bool& ok);

  class Writer;
  void enqueue_chunk(std::string chunk, bool last);
  void write_next_chunk();
  void watch_for_disconnect();

  ServerImpl& server_;
  Stream stream_;
  std::optional<Identity> unix_identity_;
  bool is_tls_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<void> response_keepalive_;  // the message being written
  // Streaming state (on the strand).
  std::shared_ptr<api::http::Stream> stream_body_;
  std::shared_ptr<Writer> writer_;
  std::deque<std::pair<std::string, bool>> chunks_;  // (data, is_last)
  bool writing_ = false;
  bool closed_ = false;
  char probe_[512];
};

class ServerImpl : public Server {
 public:
  ServerImpl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        ioc_(static_cast<int>(std::max<std::size_t>(1, options_.threads))),
        ssl_(asio::ssl::context::tls_server) {}

  ~ServerImpl() override { stop(); }

  base::Result<std::uint16_t> listen_tls(const std::string& address, std::uint16_t port,
                                         const TlsFiles& tls) override;
  base::Status listen_unix(const std::filesystem::path& path) override;
  base::Status adopt_unix(int fd) override;
  void start() override;
  void stop() override;

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }

  void track(const std::shared_ptr<SessionBase>& session) {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    sessions_.push_back(session);
  }

 private:
  void accept_tcp(tcp::acceptor& acceptor);
  void accept_unix(unix_socket::acceptor& acceptor);

  ServerOptions options_;
  Handler handler_;
  asio::io_context ioc_;
  asio::ssl::context ssl_;
  std::vector<std::unique_ptr<tcp::acceptor>> tcp_acceptors_;
  std::vector<std::unique_ptr<unix_socket::acceptor>> unix_acceptors_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::vector<std::weak_ptr<SessionBase>> sessions_;
  bool stopped_ = false;
};

// ---- Session ---------------------------------------------------------------------------------

template <typename Stream>
class Session<Stream>::Writer : public StreamWriter {
 public:
  explicit Writer(std::weak_ptr<Session> session, asio::any_io_executor executor)
      : session_(std::move(session)), executor_(std::move(executor)) {}

  void write(std::string chunk) override {
    if (chunk.empty()) return;
    post(std::move(chunk), false);
  }
  void finish() override { post({}, true); }

 private:
  void post(std::string chunk, bool last) {
    asio::post(executor_, [session = session_, chunk = std::move(chunk), last]() mutable {
      if (auto live = session.lock()) live->enqueue_chunk(std::move(chunk), last);
    });
  }
  std::weak_ptr<Session> session_;
  asio::any_io_executor executor_;
};

template <typename Stream>
void Session<Stream>::run() {
  auto self = this->shared_from_this();
  if constexpr (kIsTls<Stream>) {
    lowest().expires_after(server_.options().read_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
      if (ec) return self->shutdown();
      self->read_header();
    });
  } else {
    asio::dispatch(lowest().get_executor(), [self] { self->read_header(); });
  }
}

template <typename Stream>
void Session<Stream>::read_header() {
  if (closed_) return;
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(server_.options().body_limit);
  lowest().expires_after(server_.options().idle_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_header(ec);
                           });
}

template <typename Stream>
void Session<Stream>::on_header(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated) {
    return shutdown();
  }
  if (ec == bhttp::error::header_limit) {
    return fail_and_close(431, "RequestHeaderFieldsTooLarge", "request header fields too large");
  }
  // Beast compares Content-Length with the body limit as soon as the header is in.
  if (ec == bhttp::error::body_limit) return refuse_too_large();
  if (ec) return fail_and_close(400, "BadRequest", "malformed HTTP request: " + ec.message());
  lowest().expires_after(server_.options().read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = this->shared_from_this()](beast::error_code read_ec, std::size_t) {
                      self->on_body(read_ec);
                    });
}

template <typename Stream>
Identity Session<Stream>::authenticate(const Request& request, bool& ok) {
  ok = true;
  if (!is_tls_) {
    ok = unix_identity_.has_value();
    return unix_identity_.value_or(Identity{});
  }
  if (const auto auth = request.header("authorization"); auth && auth->starts_with("Bearer ")) {
    const std::string_view token = auth->substr(7);
    if (!server_.options().bearer_token.empty() &&
        constant_time_equal(token, server_.options().bearer_token)) {
      return Identity{Identity::Kind::token, "admin", 0, 0, {"system:masters"}, {}};
    }
    ok = false;  // a wrong token is refused even where anonymous access would do
    return {};
  }
  if constexpr (kIsTls<Stream>) {
    SSL* ssl = stream_.native_handle();
    if (X509* cert = SSL_get1_peer_certificate(ssl); cert != nullptr) {
      Identity identity;
      if (SSL_get_verify_result(ssl) == X509_V_OK) {
        identity.kind = Identity::Kind::client_cert;
        X509_NAME* name = X509_get_subject_name(cert);
        for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_organizationName, i)) >= 0;) {
          const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
          identity.groups.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                       static_cast<std::size_t>(ASN1_STRING_length(value)));
        }
        const int cn = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
        if (cn >= 0) {
          const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, cn));
          identity.user.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                               static_cast<std::size_t>(ASN1_STRING_length(value)));
        }
      } else {
        ok = false;
      }
      X509_free(cert);
      return identity;
    }
  }
  const auto& anonymous = server_.options().anonymous_paths;
  ok = std::find(anonymous.begin(), anonymous.end(), path_of(request.target)) != anonymous.end();
  return {};
}

template <typename Stream>
void Session<Stream>::on_body(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) return refuse_too_large();  // a chunked body grew too big
  if (ec == beast::error::timeout || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == bhttp::error::end_of_stream) {
    return shutdown();
  }
  if (ec) return fail_and_close(400, "BadRequest", "malformed HTTP request: " + ec.message());

  auto message = parser_->release();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  bool authenticated = false;
  request.identity = authenticate(request, authenticated);
  const bool keep_alive = message.keep_alive();
  if (!authenticated) {
    return respond(status_response(401, "Unauthorized", "Unauthorized"), keep_alive);
  }
  Response response;
  try {
    response = server_.handler()(request);
  } catch (const std::exception& error) {
    // A handler bug must cost one request, not the agent.
    response = status_response(500, "InternalError",
                               std::string("Internal error occurred: ") + error.what());
  }
  respond(std::move(response), keep_alive);
}

template <typename Stream>
void Session<Stream>::respond(Response response, bool keep_alive) {
  auto self = this->shared_from_this();
  if (response.stream) {
    auto header = std::make_shared<bhttp::response<bhttp::empty_body>>();
    header->version(11);
    header->result(static_cast<unsigned>(response.status));
    header->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) header->insert(name, value);
    header->chunked(true);
    header->keep_alive(false);  // a streamed body ends its connection
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header);
    response_keepalive_ = header;
    stream_body_ = std::move(response.stream);
    lowest().expires_never();
    bhttp::async_write_header(
        stream_, *serializer, [self, header, serializer](beast::error_code ec, std::size_t) {
          if (ec) return self->shutdown();
          self->writer_ = std::make_shared<Writer>(self, self->lowest().get_executor());
          self->stream_body_->start(self->writer_);
          self->watch_for_disconnect();
        });
    return;
  }
  auto message = std::make_shared<bhttp::response<bhttp::string_body>>();
  message->version(11);
  message->result(static_cast<unsigned>(response.status));
  message->set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message->insert(name, value);
  message->body() = std::move(response.body);
  message->keep_alive(keep_alive);
  message->prepare_payload();
  response_keepalive_ = message;
  lowest().expires_after(server_.options().read_timeout);
  bhttp::async_write(stream_, *message,
                     [self, message, keep_alive](beast::error_code ec, std::size_t) {
                       self->response_keepalive_.reset();
                       if (ec || !keep_alive) return self->shutdown();
                       self->read_header();
                     });
}

template <typename Stream>
void Session<Stream>::watch_for_disconnect() {
  // While a stream runs, a read can only end in EOF or an error: the client going away.
  stream_.async_read_some(asio::buffer(probe_),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->shutdown();
                            self->watch_for_disconnect();
                          });
}

template <typename Stream>
void Session<Stream>::enqueue_chunk(std::string chunk, bool last) {
  if (closed_) return;
  chunks_.emplace_back(std::move(chunk), last);
  if (!writing_) write_next_chunk();
}

template <typename Stream>
void Session<Stream>::write_next_chunk() {
  if (chunks_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  auto [data, last] = std::move(chunks_.front());
  chunks_.pop_front();
  auto self = this->shared_from_this();
  if (last) {
    asio::async_write(stream_, bhttp::make_chunk_last(),
                      [self](beast::error_code, std::size_t) { self->shutdown(); });
    return;
  }
  auto owned = std::make_shared<std::string>(std::move(data));
  asio::async_write(stream_, bhttp::make_chunk(asio::buffer(*owned)),
                    [self, owned](beast::error_code ec, std::size_t) {
                      if (ec) return self->shutdown();
                      self->write_next_chunk();
                    });
}

template <typename Stream>
void Session<Stream>::fail_and_close(int code, std::string_view reason, std::string_view message) {
  respond(status_response(code, reason, message), false);
}

template <typename Stream>
void Session<Stream>::refuse_too_large() {
  // The API server's words (apiserver's limitedReadBody).
  fail_and_close(
      413, "RequestEntityTooLarge",
      "Request entity too large: limit is " + std::to_string(server_.options().body_limit));
}

template <typename Stream>
void Session<Stream>::shutdown() {
  if (closed_) return;
  closed_ = true;
  if (stream_body_) stream_body_->cancel();
  stream_body_.reset();
  writer_.reset();
  beast::error_code ignored;
  lowest().socket().shutdown(asio::socket_base::shutdown_both, ignored);
  lowest().close();
}

template <typename Stream>
void Session<Stream>::close() {
  asio::post(lowest().get_executor(), [self = this->shared_from_this()] { self->shutdown(); });
}

// ---- Server ----------------------------------------------------------------------------------

base::Result<std::uint16_t> ServerImpl::listen_tls(const std::string& address, std::uint16_t port,
                                                   const TlsFiles& tls) {
  const std::string where = "listen on " + address + ":" + std::to_string(port);
  beast::error_code ec;
  ssl_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  ssl_.use_certificate_chain_file(tls.certificate_chain.string(), ec);
  if (ec)
    return base::Error(where + ": certificate " + tls.certificate_chain.string() + ": " +
                       ec.message());
  ssl_.use_private_key_file(tls.private_key.string(), asio::ssl::context::pem, ec);
  if (ec) return base::Error(where + ": key " + tls.private_key.string() + ": " + ec.message());
  if (!tls.client_ca.empty()) {
    ssl_.load_verify_file(tls.client_ca.string(), ec);
    if (ec)
      return base::Error(where + ": client CA " + tls.client_ca.string() + ": " + ec.message());
    // Ask for a client certificate but let token-only clients in; authenticate() decides.
    SSL_CTX_set_verify(ssl_.native_handle(), SSL_VERIFY_PEER,
                       [](int, X509_STORE_CTX*) { return 1; });
  }
  auto endpoint_address = asio::ip::make_address(address, ec);
  if (ec) return base::Error(where + ": " + ec.message());
  auto acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(ioc_));
  const tcp::endpoint endpoint(endpoint_address, port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return base::Error(where + ": " + ec.message());
  const auto bound = acceptor->local_endpoint().port();
  accept_tcp(*acceptor);
  tcp_acceptors_.push_back(std::move(acceptor));
  return bound;
}

base::Status ServerImpl::listen_unix(const std::filesystem::path& path) {
  const std::string where = "listen on " + path.string();
  std::error_code fs_ec;
  if (std::filesystem::is_socket(path, fs_ec)) std::filesystem::remove(path, fs_ec);
  beast::error_code ec;
  auto acceptor = std::make_unique<unix_socket::acceptor>(asio::make_strand(ioc_));
  const unix_socket::endpoint endpoint(path.string());
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return base::Error(where + ": " + ec.message());
  accept_unix(*acceptor);
  unix_acceptors_.push_back(std::move(acceptor));
  return {};
}

base::Status ServerImpl::adopt_unix(int fd) {
  beast::error_code ec;
  auto acceptor = std::make_unique<unix_socket::acceptor>(asio::make_strand(ioc_));
  acceptor->assign(unix_socket(), fd, ec);
  if (ec) return base::Error("serve socket fd " + std::to_string(fd) + ": " + ec.message());
  accept_unix(*acceptor);
  unix_acceptors_.push_back(std::move(acceptor));
  return {};
}

void ServerImpl::accept_tcp(tcp::acceptor& acceptor) {
  acceptor.async_accept(
      asio::make_strand(ioc_), [this, &acceptor](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
          auto session = std::make_shared<Session<TlsStream>>(
              *this, TlsStream(beast::tcp_stream(std::move(socket)), ssl_), std::nullopt, true);
          track(session);
          session->run();
        }
        accept_tcp(acceptor);
      });
}

void ServerImpl::accept_unix(unix_socket::acceptor& acceptor) {
  acceptor.async_accept(
      asio::make_strand(ioc_), [this, &acceptor](beast::error_code ec, unix_socket::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
          base::Result<Identity> identity =
              options_.unix_peer_identity ? options_.unix_peer_identity(socket.native_handle())
                                          : base::Result<Identity>(base::Error("no peer identity"));
          auto session = std::make_shared<Session<UnixStream>>(
              *this, UnixStream(std::move(socket)),
              identity.ok() ? std::optional<Identity>(*identity) : std::nullopt, false);
          track(session);
          session->run();
        }
        accept_unix(acceptor);
      });
}

void ServerImpl::start() {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
}

void ServerImpl::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  for (auto& acceptor : tcp_acceptors_) {
    asio::post(acceptor->get_executor(), [&acceptor] {
      beast::error_code ignored;
      acceptor->close(ignored);
    });
  }
  for (auto& acceptor : unix_acceptors_) {
    asio::post(acceptor->get_executor(), [&acceptor] {
      beast::error_code ignored;
      acceptor->close(ignored);
    });
  }
  {
    std::lock_guard lock(mutex_);
    for (auto& weak : sessions_) {
      if (auto session = weak.lock()) session->close();
    }
  }
  if (threads_.empty()) ioc_.run();  // never started: let the posted closes run
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace

std::unique_ptr<Server> Server::create(ServerOptions options, Handler handler) {
  return std::make_unique<ServerImpl>(std::move(options), std::move(handler));
}

}  // namespace api::http
