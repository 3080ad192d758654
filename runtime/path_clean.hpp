// runtime/path_clean.hpp: lexical cleaning of relative paths from untrusted archives and
// manifests (layer entries, docker-archive members), as Go's path.Clean plus Docker's
// "breakout" check.
//
// Contract: "", "." and leading or repeated '/' vanish, ".." pops a component; a path that
// climbs above its root is refused (nullopt). Nothing touches the filesystem.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtime {

std::optional<std::vector<std::string>> clean_relative_path(std::string_view name);

// "a/b/c" from {"a", "b", "c"}; "" for no parts.
std::string join_path(const std::vector<std::string>& parts);

}  // namespace runtime
