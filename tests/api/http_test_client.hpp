// tests/api/http_test_client.hpp: a small synchronous HTTP client (Beast) for the server tests:
// TLS over TCP (optionally with a client certificate) or a unix socket, raw bytes when a test
// needs to send something malformed.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace http_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct Reply {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  bool chunked = false;
};

template <typename Stream>
Reply exchange(Stream& stream, beast::flat_buffer& buffer, const std::string& method,
               const std::string& target, const std::string& token, const std::string& body) {
  bhttp::request<bhttp::string_body> request(bhttp::string_to_verb(method), target, 11);
  request.set(bhttp::field::host, "127.0.0.1");
  if (!token.empty()) request.set(bhttp::field::authorization, "Bearer " + token);
  request.body() = body;
  request.prepare_payload();
  bhttp::write(stream, request);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(stream, buffer, parser);
  auto response = parser.release();
  return Reply{response.result_int(), response.body(),
               std::string(response[bhttp::field::content_type]), response.chunked()};
}

// One TLS connection to 127.0.0.1:port that trusts `ca_file`.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::filesystem::path& ca_file,
            const std::string& client_cert_pem = {}, const std::string& client_key_pem = {})
      : ssl_(make_context(ca_file, client_cert_pem, client_key_pem)), stream_(ioc_, ssl_) {
    stream_.set_verify_mode(asio::ssl::verify_peer);
    beast::get_lowest_layer(stream_).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream_.handshake(asio::ssl::stream_base::client);
  }

  Reply send(const std::string& method, const std::string& target, const std::string& token = {},
             const std::string& body = {}) {
    return exchange(stream_, buffer_, method, target, token, body);
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  static asio::ssl::context make_context(const std::filesystem::path& ca_file,
                                         const std::string& cert_pem, const std::string& key_pem) {
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(ca_file.string());
    if (!cert_pem.empty()) {
      context.use_certificate(asio::buffer(cert_pem), asio::ssl::context::pem);
      context.use_private_key(asio::buffer(key_pem), asio::ssl::context::pem);
    }
    return context;
  }

  asio::io_context ioc_;
  asio::ssl::context ssl_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

class UnixClient {
 public:
  explicit UnixClient(const std::filesystem::path& socket) : stream_(ioc_) {
    stream_.connect(asio::local::stream_protocol::endpoint(socket.string()));
  }
  Reply send(const std::string& method, const std::string& target, const std::string& body = {}) {
    return exchange(stream_, buffer_, method, target, {}, body);
  }
  beast::basic_stream<asio::local::stream_protocol>& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  asio::io_context ioc_;
  beast::basic_stream<asio::local::stream_protocol> stream_;
  beast::flat_buffer buffer_;
};

}  // namespace http_test
