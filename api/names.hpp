// api/names.hpp: names and UIDs the API server invents: generateName suffixes and object UIDs.
//
// Contract: deterministic for a given random engine, so tests can seed it.
#pragma once

#include <random>
#include <string>
#include <string_view>

namespace api {

// The alphabet of generateName suffixes: no vowels (no accidental words), no confusable 0/1/3.
inline constexpr std::string_view kNameSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";
inline constexpr std::size_t kNameSuffixLength = 5;
inline constexpr std::size_t kMaxGeneratedNameLength = 63;

// prefix (cut to 63 - 5 characters) + 5 random characters, as the API server's generateName.
std::string generate_name(std::string_view prefix, std::mt19937_64& rng);

// A random (version 4) UUID in its canonical 8-4-4-4-12 lowercase form.
std::string new_uid(std::mt19937_64& rng);

// An engine seeded from std::random_device, for production use.
std::mt19937_64 seeded_engine();

}  // namespace api
