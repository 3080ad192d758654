// api/json_fields.hpp: the few rules Go's encoding/json applies to k8s.io/api structs, as helpers
// for the encoders (api/*_encode.cpp).
//
// Contract: put_* write a member only when Go would (omitempty: empty strings, maps and slices,
// nil pointers are left out). time_or_null writes an unset time as null: metav1.Time is a struct,
// which omitempty cannot drop, and its zero value marshals to null.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/object_meta.hpp"
#include "api/rfc3339.hpp"

namespace api::json_fields {

// The member at `path` of a JSON object as text: strings as they are, booleans as
// "true"/"false", integers in decimal; "" when absent or of another type (for printers and
// field selectors, which read stored objects without decoding them).
inline std::string text_at(const nlohmann::ordered_json& object,
                           std::initializer_list<const char*> path) {
  const nlohmann::ordered_json* at = &object;
  for (const char* key : path) {
    if (!at->is_object()) return {};
    auto it = at->find(key);
    if (it == at->end()) return {};
    at = &*it;
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_boolean()) return at->get<bool>() ? "true" : "false";
  if (at->is_number_integer()) return std::to_string(at->get<std::int64_t>());
  return {};
}

inline nlohmann::ordered_json time_or_null(const std::optional<base::TimePoint>& t) {
  return t ? nlohmann::ordered_json(format_time(*t)) : nlohmann::ordered_json(nullptr);
}

inline void put_string(nlohmann::ordered_json& out, const char* key, const std::string& v) {
  if (!v.empty()) out[key] = v;
}

template <typename T>
void put_optional(nlohmann::ordered_json& out, const char* key, const std::optional<T>& v) {
  if (v) out[key] = *v;
}

template <typename T>
void put_list(nlohmann::ordered_json& out, const char* key, const std::vector<T>& v) {
  if (!v.empty()) out[key] = v;
}

// Go sorts map keys when encoding; std::map is sorted the same way (bytewise).
inline void put_labels(nlohmann::ordered_json& out, const char* key, const Labels& labels) {
  if (labels.empty()) return;
  nlohmann::ordered_json map = nlohmann::ordered_json::object();
  for (const auto& [k, v] : labels) map[k] = v;
  out[key] = std::move(map);
}

}  // namespace api::json_fields
