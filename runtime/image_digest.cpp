#include "runtime/image_digest.hpp"

#include <openssl/evp.h>

#include <cstdlib>

namespace runtime {
namespace {

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

// go-digest's DigestRegexp: [a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+
bool matches_digest_grammar(std::string_view algorithm, std::string_view encoded) {
  if (algorithm.empty() || encoded.empty()) return false;
  bool after_separator = true;
  for (char c : algorithm) {
    const bool lower_alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (lower_alnum) {
      after_separator = false;
    } else if (c == '.' || c == '+' || c == '_' || c == '-') {
      if (after_separator) return false;
      after_separator = true;
    } else {
      return false;
    }
  }
  if (after_separator) return false;
  for (char c : encoded) {
    if (!is_alnum(c) && c != '=' && c != '_' && c != '-') return false;
  }
  return true;
}

std::size_t hex_length(std::string_view algorithm) {
  if (algorithm == "sha256") return 64;
  if (algorithm == "sha384") return 96;
  if (algorithm == "sha512") return 128;
  return 0;
}

}  // namespace

base::Result<Digest> parse_digest(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return base::Error("invalid checksum digest format");
  }
  const auto algorithm = text.substr(0, colon);
  const auto encoded = text.substr(colon + 1);
  const std::size_t want = hex_length(algorithm);
  if (want == 0) {
    if (!matches_digest_grammar(algorithm, encoded)) {
      return base::Error("invalid checksum digest format");
    }
    return base::Error("unsupported digest algorithm");
  }
  if (encoded.size() != want) return base::Error("invalid checksum digest length");
  for (char c : encoded) {
    if (!is_lower_hex(c)) return base::Error("invalid checksum digest format");
  }
  return Digest{std::string(algorithm), std::string(encoded)};
}

base::Result<Digest> parse_sha256_digest(std::string_view text) {
  auto digest = parse_digest(text);
  if (!digest) return digest.error().context("digest \"" + std::string(text) + "\"");
  if (digest->algorithm != "sha256") {
    return base::Error("digest \"" + std::string(text) +
                       "\": only sha256 digests name content in the store");
  }
  return digest;
}

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  // Allocation failure or a missing sha256 in libcrypto leaves nothing sensible to do.
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size) {
  if (size != 0) EVP_DigestUpdate(state_->ctx, data, size);
}

Digest Sha256::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, out, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  Digest digest{"sha256", std::string(length * 2, '0')};
  for (unsigned int i = 0; i < length; ++i) {
    digest.hex[2 * i] = kHex[out[i] >> 4];
    digest.hex[2 * i + 1] = kHex[out[i] & 0xf];
  }
  return digest;
}

Digest sha256_of(std::string_view data) {
  Sha256 hasher;
  hasher.update(data);
  return hasher.finish();
}

}  // namespace runtime
