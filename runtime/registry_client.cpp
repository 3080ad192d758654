#include "runtime/registry_client.hpp"

#include <openssl/evp.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "base/file.hpp"
#include "runtime/image_reference.hpp"

namespace runtime {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using base::Error;
using nlohmann::json;

constexpr std::size_t kMaxSmallBody = 4 << 20;  // manifests, tokens, error documents
constexpr int kMaxRedirects = 5;

constexpr const char* kManifestAccept =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

base::Result<std::string> unbase64(std::string_view in) {
  std::string out(3 * ((in.size() + 3) / 4) + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return Error("invalid base64");
  out.resize(static_cast<std::size_t>(n));
  while (!in.empty() && in.back() == '=') {  // EVP_DecodeBlock counts padding as zero bytes
    out.pop_back();
    in.remove_suffix(1);
  }
  return out;
}

struct Url {
  bool tls = true;
  std::string host;
  std::string port;
  std::string target;  // path and query
  std::string str() const { return (tls ? "https://" : "http://") + host + ":" + port + target; }
};

base::Result<Url> parse_url(std::string_view text) {
  Url url;
  if (text.starts_with("https://")) {
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    url.tls = false;
    text.remove_prefix(7);
  } else {
    return Error("unsupported URL \"" + std::string(text) + "\"");
  }
  const auto slash = text.find('/');
  std::string authority(text.substr(0, slash));
  url.target = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    url.host = authority.substr(0, colon);
    url.port = authority.substr(colon + 1);
  } else {
    url.host = authority;
    url.port = url.tls ? "443" : "80";
  }
  if (url.host.size() > 2 && url.host.front() == '[')
    url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty()) return Error("URL without a host");
  return url;
}

struct Response {
  unsigned status = 0;
  std::string reason;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // unless streamed to a sink
};

using Sink = std::function<base::Status(const char*, std::size_t)>;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Runs one asynchronous operation to completion. Beast's deadlines (expires_after) apply only to
// asynchronous operations, so every socket operation goes through here.
template <typename Start>
beast::error_code run_op(asio::io_context& io, Start start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

template <typename Stream>
base::Result<Response> exchange(asio::io_context& io, Stream& stream, beast::tcp_stream& lowest,
                                const Url& url, const std::map<std::string, std::string>& headers,
                                const Sink* sink, std::chrono::milliseconds timeout) {
  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.host);
  request.set(http::field::user_agent, "batchlet");
  request.set(http::field::connection, "close");
  for (const auto& [k, v] : headers) request.set(k, v);
  beast::error_code ec;
  lowest.expires_after(timeout);
  ec = run_op(io, [&](auto handler) { http::async_write(stream, request, handler); });
  if (ec) return Error("send request: " + ec.message());

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  lowest.expires_after(timeout);
  ec = run_op(io, [&](auto handler) { http::async_read_header(stream, buffer, parser, handler); });
  if (ec) return Error("read response: " + ec.message());
  Response response;
  response.status = parser.get().result_int();
  response.reason = std::string(parser.get().reason());
  for (const auto& field : parser.get()) {
    response.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  }
  const bool stream_body = sink != nullptr && response.status == 200;
  std::vector<char> chunk(1 << 16);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    lowest.expires_after(timeout);
    ec = run_op(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return Error("read response body: " + ec.message());
    const std::size_t n = chunk.size() - parser.get().body().size;
    if (stream_body) {
      if (auto s = (*sink)(chunk.data(), n); !s) return s.error();
    } else {
      if (response.body.size() + n > kMaxSmallBody) return Error("response body too large");
      response.body.append(chunk.data(), n);
    }
  }
  return response;
}

base::Result<Response> http_get(const Url& url, const std::map<std::string, std::string>& headers,
                                const Sink* sink, std::chrono::milliseconds timeout) {
  const std::string what = "GET " + url.str();
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec) return Error(what + ": resolve " + url.host + ": " + ec.message());
  beast::tcp_stream tcp(io);
  tcp.expires_after(timeout);
  ec = run_op(io, [&](auto handler) { tcp.async_connect(endpoints, handler); });
  if (ec) {
    return Error(what + ": connect: " + (ec == beast::error::timeout ? "timed out" : ec.message()));
  }
  const auto explain = [&](const Error& e) {
    std::string message = e.message();
    if (message.find("timeout") != std::string::npos ||
        message.find("timed out") != std::string::npos) {
      message += " (timed out after " + std::to_string(timeout.count()) + " ms)";
    }
    return Error(what + ": " + message);
  };
  if (!url.tls) {
    auto r = exchange(io, tcp, tcp, url, headers, sink, timeout);
    if (!r) return explain(r.error());
    return r;
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_default_verify_paths(ec);
  if (ec) return Error(what + ": load system CA store: " + ec.message());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp), ctx);
  if (!SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str())) {
    return Error(what + ": set TLS server name");
  }
  tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(tls).expires_after(timeout);
  ec = run_op(io,
              [&](auto handler) { tls.async_handshake(asio::ssl::stream_base::client, handler); });
  if (ec) return Error(what + ": TLS handshake: " + ec.message());
  auto r = exchange(io, tls, beast::get_lowest_layer(tls), url, headers, sink, timeout);
  if (!r) return explain(r.error());
  return r;
}

// "Bearer realm="x",service="y"" -> scheme "bearer" and the parameters.
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

Challenge parse_challenge(std::string_view header) {
  Challenge c;
  const auto space = header.find(' ');
  c.scheme = lower(std::string(header.substr(0, space)));
  if (space == std::string_view::npos) return c;
  std::string_view rest = header.substr(space + 1);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) rest.remove_prefix(1);
    const auto eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    const std::string key = lower(std::string(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      rest.remove_prefix(1);
      while (!rest.empty() && rest.front() != '"') {
        if (rest.front() == '\\' && rest.size() > 1) rest.remove_prefix(1);
        value += rest.front();
        rest.remove_prefix(1);
      }
      if (!rest.empty()) rest.remove_prefix(1);
    } else {
      const auto end = rest.find(',');
      value = std::string(rest.substr(0, end));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    c.params[key] = value;
  }
  return c;
}

std::string describe_failure(const Response& r) {
  std::string text = std::to_string(r.status) + " " + r.reason;
  const json doc = json::parse(r.body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.contains("errors") &&
      doc["errors"].is_array()) {
    for (const auto& e : doc["errors"]) {
      if (!e.is_object()) continue;
      text += ": " + e.value("code", std::string()) + " " + e.value("message", std::string());
    }
  }
  return text;
}

// One registry and repository, with the Authorization it has earned so far.
class Session {
 public:
  Session(std::string domain, std::string repository, const RegistryConfig& config)
      : domain_(std::move(domain)), repository_(std::move(repository)), config_(config) {
    host_ = domain_ == kDefaultRegistry ? "registry-1.docker.io" : domain_;
    tls_ = config_.insecure.count(domain_) == 0;
  }

  base::Result<Response> get(const std::string& path, const std::string& accept, const Sink* sink) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto response = follow(base_url() + path, accept, sink);
      if (!response) return response.error();
      if (response->status != 401 || attempt == 1) return response;
      const auto header = response->headers.find("www-authenticate");
      if (header == response->headers.end()) return response;
      if (auto s = authenticate(parse_challenge(header->second)); !s) return s.error();
    }
    return Error("unreachable");
  }

  std::string base_url() const {
    return (tls_ ? "https://" : "http://") + host_ + "/v2/" + repository_;
  }

 private:
  base::Result<Response> follow(std::string location, const std::string& accept, const Sink* sink) {
    auto url = parse_url(location);
    if (!url) return url.error();
    const std::string origin_host = url->host;
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
      std::map<std::string, std::string> headers;
      if (!accept.empty()) headers["Accept"] = accept;
      // Credentials go only to the registry itself, never to a redirect target (object stores).
      if (!authorization_.empty() && url->host == origin_host) {
        headers["Authorization"] = authorization_;
      }
      auto response = http_get(*url, headers, sink, config_.timeout);
      if (!response) return response.error();
      const unsigned s = response->status;
      if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) return response;
      const auto next = response->headers.find("location");
      if (next == response->headers.end()) return Error("redirect without a Location");
      if (next->second.starts_with("/")) {
        url->target = next->second;
      } else {
        url = parse_url(next->second);
        if (!url) return url.error();
      }
    }
    return Error("too many redirects from " + location);
  }

  base::Status authenticate(const Challenge& challenge) {
    const auto creds = config_.auths.find(domain_);
    if (challenge.scheme == "basic") {
      if (creds == config_.auths.end()) {
        return Error("registry " + domain_ + " requires credentials (none configured)");
      }
      authorization_ =
          "Basic " + base::base64_encode(creds->second.username + ":" + creds->second.password);
      return {};
    }
    if (challenge.scheme != "bearer") {
      return Error("registry " + domain_ + ": unsupported auth scheme " + challenge.scheme);
    }
    const auto realm = challenge.params.find("realm");
    if (realm == challenge.params.end()) return Error("bearer challenge without a realm");
    std::string token_url = realm->second;
    token_url += token_url.find('?') == std::string::npos ? '?' : '&';
    if (auto service = challenge.params.find("service"); service != challenge.params.end()) {
      token_url += "service=" + base::percent_encode(service->second) + "&";
    }
    const auto scope = challenge.params.find("scope");
    token_url += "scope=" + base::percent_encode(scope != challenge.params.end()
                                                     ? scope->second
                                                     : "repository:" + repository_ + ":pull");
    auto url = parse_url(token_url);
    if (!url) return url.error().context("token realm");
    std::map<std::string, std::string> headers;
    if (creds != config_.auths.end()) {
      headers["Authorization"] =
          "Basic " + base::base64_encode(creds->second.username + ":" + creds->second.password);
    }
    auto response = http_get(*url, headers, nullptr, config_.timeout);
    if (!response) return response.error().context("get token");
    if (response->status != 200) return Error("get token: " + describe_failure(*response));
    const json doc = json::parse(response->body, nullptr, false);
    std::string token;
    if (!doc.is_discarded() && doc.is_object()) {
      token = doc.value("token", std::string());
      if (token.empty()) token = doc.value("access_token", std::string());
    }
    if (token.empty()) return Error("get token: the response has no token");
    authorization_ = "Bearer " + token;
    return {};
  }

  std::string domain_;
  std::string repository_;
  const RegistryConfig& config_;
  std::string host_;
  bool tls_ = true;
  std::string authorization_;
};

struct Fetched {
  std::string body;
  Digest digest;
  std::string media_type;
};

base::Result<Fetched> fetch_manifest(Session& session, const std::string& reference,
                                     const std::optional<Digest>& expected) {
  const std::string what = "manifest " + reference;
  auto r = session.get("/manifests/" + reference, kManifestAccept, nullptr);
  if (!r) return r.error().context(what);
  if (r->status != 200) return Error(what + ": " + describe_failure(*r));
  Fetched f{std::move(r->body), {}, r->headers["content-type"]};
  f.digest = sha256_of(f.body);
  if (expected && *expected != f.digest) {
    return Error(what + ": digest mismatch: content has " + f.digest.str());
  }
  const json doc = json::parse(f.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error(what + ": invalid JSON");
  if (doc.contains("mediaType") && doc["mediaType"].is_string()) {
    f.media_type = doc["mediaType"].get<std::string>();
  }
  return f;
}

base::Result<Digest> fetch_blob(const ImageStore& store, Session& session, const Digest& digest,
                                std::uint64_t size, const PullProgress& progress) {
  if (store.has_blob(digest)) {
    if (progress) progress("Already exists " + digest.str());
    return digest;
  }
  if (progress) progress("Pulling " + digest.str() + " (" + std::to_string(size) + " bytes)");
  auto writer = store.begin_blob();
  if (!writer) return writer.error();
  const Sink sink = [&](const char* data, std::size_t n) -> base::Status {
    if (writer->size() + n > size) {
      return Error("blob " + digest.str() + ": more than the " + std::to_string(size) +
                   " bytes the manifest says");
    }
    return writer->write(data, n);
  };
  auto r = session.get("/blobs/" + digest.str(), "", &sink);
  if (!r) return r.error().context("blob " + digest.str());
  if (r->status != 200) return Error("blob " + digest.str() + ": " + describe_failure(*r));
  auto committed = writer->commit(digest, size);
  if (!committed) return committed.error().context("blob " + digest.str());
  if (progress) progress("Download complete " + digest.str());
  return committed;
}

base::Result<ImageRecord> pull_locked(const ImageStore& store, std::string_view text,
                                      const RegistryConfig& config, const PullProgress& progress) {
  auto parsed = normalize_reference(text);
  if (!parsed) return parsed.error();
  const ImageReference ref = with_default_tag(*parsed);
  Session session(ref.domain, ref.path, config);
  auto top = fetch_manifest(session, ref.digest ? ref.digest->str() : ref.tag, ref.digest);
  if (!top) return top.error();
  Fetched manifest = std::move(*top);
  json doc = json::parse(manifest.body);
  if (doc.contains("manifests")) {  // an index: the linux/amd64 image
    std::optional<Digest> chosen;
    std::uint64_t chosen_size = 0;
    for (const auto& m : doc["manifests"]) {
      const json platform = m.value("platform", json::object());
      if (platform.value("os", "") == "linux" && platform.value("architecture", "") == "amd64") {
        auto d = parse_sha256_digest(m.value("digest", ""));
        if (!d) return d.error().context("index");
        chosen = *d;
        chosen_size = m.value("size", std::uint64_t{0});
        break;
      }
    }
    if (!chosen) return Error("manifest " + ref.str() + ": no manifest for linux/amd64");
    auto child = fetch_manifest(session, chosen->str(), chosen);
    if (!child) return child.error();
    if (chosen_size != 0 && child->body.size() != chosen_size) {
      return Error("manifest " + chosen->str() + ": size differs from the index");
    }
    manifest = std::move(*child);
    doc = json::parse(manifest.body);
  }
  if (!doc.contains("config") || !doc.contains("layers") || !doc["layers"].is_array()) {
    return Error("manifest " + manifest.digest.str() + ": not an image manifest (schema 1 " +
                 "manifests are not supported)");
  }
  // Keep the manifest itself.
  auto writer = store.begin_blob();
  if (!writer) return writer.error();
  if (auto s = writer->write(manifest.body.data(), manifest.body.size()); !s) return s.error();
  if (auto d = writer->commit(manifest.digest); !d) return d.error();

  const auto descriptor = [](const json& j) -> base::Result<std::pair<Digest, std::uint64_t>> {
    if (!j.is_object()) return Error("descriptor is not an object");
    auto d = parse_sha256_digest(j.value("digest", ""));
    if (!d) return d.error();
    if (!j.contains("size") || !j["size"].is_number_unsigned()) return Error("descriptor size");
    return std::make_pair(*d, j["size"].get<std::uint64_t>());
  };
  auto config_desc = descriptor(doc["config"]);
  if (!config_desc) return config_desc.error().context("manifest config");
  auto config_blob = fetch_blob(store, session, config_desc->first, config_desc->second, progress);
  if (!config_blob) return config_blob.error();
  auto config_text = store.read_blob(*config_blob, kMaxSmallBody);
  if (!config_text) return config_text.error();
  auto image_config = parse_image_config(*config_text);
  if (!image_config) return image_config.error();
  if (image_config->diff_ids.size() != doc["layers"].size()) {
    return Error("manifest " + manifest.digest.str() + ": the config lists " +
                 std::to_string(image_config->diff_ids.size()) + " layers, the manifest " +
                 std::to_string(doc["layers"].size()));
  }
  ImageRecord record;
  record.id = *config_blob;
  record.manifest = manifest.digest;
  if (!ref.tag.empty()) {
    ImageReference name = ref;
    name.digest.reset();
    record.names.push_back(name.str());
  }
  record.repo_digests.push_back(ref.name() + "@" + manifest.digest.str());
  auto existing = store.list();
  if (!existing) return existing.error();
  for (std::size_t i = 0; i < doc["layers"].size(); ++i) {
    auto layer = descriptor(doc["layers"][i]);
    if (!layer) return layer.error().context("manifest layer");
    const Digest& diff_id = image_config->diff_ids[i];
    LayerRecord lr{layer->first, diff_id, layer->second, 0};
    for (const auto& image : *existing) {
      for (const auto& l : image.layers) {
        if (l.diff_id == diff_id) lr.unpacked_size = l.unpacked_size;
      }
    }
    if (!store.has_layer(diff_id)) {
      auto blob = fetch_blob(store, session, layer->first, layer->second, progress);
      if (!blob) return blob.error();
      auto unpacked = store.ensure_layer(*blob, diff_id);
      if (!unpacked) return unpacked.error();
      lr.unpacked_size = *unpacked;
    } else if (progress) {
      progress("Already exists " + layer->first.str());
    }
    record.layers.push_back(lr);
  }
  if (auto s = store.add_images({record}); !s) return s.error();
  return record;
}

}  // namespace

base::Status load_docker_auths(const std::filesystem::path& file, RegistryConfig& config) {
  auto text = base::read_file(file, kMaxSmallBody);
  if (!text) return text.error();
  const json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error(file.string() + ": invalid JSON");
  const json auths = doc.value("auths", json::object());
  for (const auto& [host, entry] : auths.items()) {
    if (!entry.is_object()) continue;
    RegistryCredentials creds;
    if (entry.contains("auth") && entry["auth"].is_string()) {
      auto decoded = unbase64(entry["auth"].get<std::string>());
      if (!decoded) return decoded.error().context(file.string() + ": auths." + host);
      const auto colon = decoded->find(':');
      if (colon == std::string::npos) {
        return Error(file.string() + ": auths." + host + ": auth is not user:password");
      }
      creds.username = decoded->substr(0, colon);
      creds.password = decoded->substr(colon + 1);
    } else {
      creds.username = entry.value("username", std::string());
      creds.password = entry.value("password", std::string());
    }
    std::string key = host;
    for (const std::string prefix : {"https://", "http://"}) {
      if (key.starts_with(prefix)) key.erase(0, prefix.size());
    }
    if (const auto slash = key.find('/'); slash != std::string::npos) key.resize(slash);
    if (key == "index.docker.io") key = std::string(kDefaultRegistry);
    config.auths[key] = creds;
  }
  return {};
}

base::Result<ImageRecord> pull_image(const ImageStore& store, std::string_view reference,
                                     const RegistryConfig& config, const PullProgress& progress) {
  auto held = store.lock();
  if (!held) return held.error();
  auto record = pull_locked(store, reference, config, progress);
  if (!record) {
    auto error = record.error().context("pull " + std::string(reference));
    if (auto gc = store.collect_garbage(); !gc) {
      return Error(error.message() + " (cleaning up failed: " + gc.error().message() + ")");
    }
    return error;
  }
  return record;
}

}  // namespace runtime
