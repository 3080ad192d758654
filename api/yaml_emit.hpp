// api/yaml_emit.hpp: JSON values printed as YAML the way kubectl's `-o yaml` prints them
// (sigs.k8s.io/yaml over go-yaml v2).
//
// Contract: map keys sorted (nlohmann::json keeps them sorted), two-space indentation, sequences
// inside a mapping not indented ("key:\n- item"), empty maps and lists as {} and []. Strings are
// plain when go-yaml would leave them plain, double-quoted when plain text would read back as
// another type ("true", "123", "null", "") or holds characters that need escapes, single-quoted
// when only YAML's indicators are in the way, and literal blocks (|, |-) when they span lines.
// The output ends with a newline; nothing here throws on a valid UTF-8 value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace api {

std::string to_yaml(const nlohmann::json& value);

}  // namespace api
