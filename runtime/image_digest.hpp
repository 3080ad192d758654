// runtime/image_digest.hpp: content digests ("sha256:<64 hex>") and a streaming SHA-256.
//
// Contract: parse_digest() accepts what go-digest's Parse accepts for the algorithms batchlet
// knows (sha256, sha384, sha512) and fails with go-digest's messages ("invalid checksum digest
// format", "invalid checksum digest length", "unsupported digest algorithm"). Only sha256
// digests can name content in the store. Sha256 wraps OpenSSL's EVP interface.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace runtime {

struct Digest {
  std::string algorithm;  // "sha256"
  std::string hex;        // lowercase hex

  std::string str() const { return algorithm + ":" + hex; }
  bool empty() const { return hex.empty(); }
  friend bool operator==(const Digest&, const Digest&) = default;
};

base::Result<Digest> parse_digest(std::string_view text);

// A digest that names content in the store: valid and sha256.
base::Result<Digest> parse_sha256_digest(std::string_view text);

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Ends the computation; the object must not be updated afterwards.
  Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

Digest sha256_of(std::string_view data);

}  // namespace runtime
