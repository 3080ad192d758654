// api/yaml_scalar.hpp: how one YAML scalar becomes a JSON value, exactly as go-yaml v2 (under
// sigs.k8s.io/yaml, what the API server runs) types it: YAML 1.1 booleans (yes/no/on/off/y/n),
// Go strconv integers (0x, 0b, 0o, leading-0 octal, underscores), YAML floats, !!binary, and the
// string form of map keys.
//
// Contract: pure functions of the text; no exceptions; a scalar JSON cannot hold (.inf, .nan,
// an out-of-range hex integer, ...) comes back with `error` set instead of a value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace api::yaml {

struct Resolved {
  std::string_view tag;  // short tag of what the text resolved to: "!!str", "!!int", ...
  nlohmann::json value;
  std::string error;  // set when the scalar cannot be converted
};

// True when `s` is well-formed UTF-8 (JSON strings must be).
bool valid_utf8(std::string_view s);

// `tag` as yaml-cpp reports it: "?" for a plain scalar, "!" for a quoted or block scalar, or the
// resolved URI of an explicit tag ("tag:yaml.org,2002:int").
Resolved resolve_scalar(std::string_view tag, std::string_view text);

// The JSON object key sigs.k8s.io/yaml makes of a resolved map key (true -> "true", 1 -> "1").
std::string key_string(const nlohmann::json& key);

}  // namespace api::yaml
