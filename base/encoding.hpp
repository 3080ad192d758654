// base/encoding.hpp: text encodings shared by the API (kubeconfig, YAML !!binary), the registry
// client (Basic auth, token URLs) and the CLI (query parameters).
//
// Contract (pure, nothing throws):
// - base64_encode() is standard base64 with padding; base64_decode() is Go's
//   base64.StdEncoding.DecodeString: it skips '\r' and '\n', requires padding, and returns
//   nullopt on anything else that is not base64.
// - percent_encode() keeps RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~) and writes
//   every other byte as %XX (upper-case hex): safe in a URL's query and path segments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace base {

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view in);

std::string percent_encode(std::string_view text);

}  // namespace base
