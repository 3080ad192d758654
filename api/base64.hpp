// api/base64.hpp: standard base64 (with padding), as Go's base64.StdEncoding: kubeconfig's
// *-data fields and YAML's !!binary.
//
// Contract: base64_encode() pads; base64_decode() is DecodeString: it skips '\r' and '\n',
// requires padding, and returns nullopt on anything else that is not base64. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace api {

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace api
