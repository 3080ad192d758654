#include "api/names.hpp"

namespace api {

std::string generate_name(std::string_view prefix, std::mt19937_64& rng) {
  constexpr std::size_t max_prefix = kMaxGeneratedNameLength - kNameSuffixLength;
  std::string name(prefix.substr(0, max_prefix));
  std::uniform_int_distribution<std::size_t> pick(0, kNameSuffixAlphabet.size() - 1);
  for (std::size_t i = 0; i < kNameSuffixLength; ++i) name += kNameSuffixAlphabet[pick(rng)];
  return name;
}

std::string new_uid(std::mt19937_64& rng) {
  static constexpr char hex[] = "0123456789abcdef";
  std::uniform_int_distribution<int> nibble(0, 15);
  std::string uid;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) uid += '-';
    int v = nibble(rng);
    if (i == 12) v = 4;              // version 4
    if (i == 16) v = 8 | (v & 0x3);  // RFC 4122 variant
    uid += hex[v];
  }
  return uid;
}

std::mt19937_64 seeded_engine() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device()};
  return std::mt19937_64(seed);
}

}  // namespace api
