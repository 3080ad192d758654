// agent/env_expansion.hpp: Kubernetes' $(VAR) expansion in command, args and env values.
//
// Contract (as upstream's third_party/forked/golang/expansion): "$(NAME)" becomes the value of
// NAME when `lookup` knows it and stays literally "$(NAME)" otherwise; "$$" is an escaped "$";
// any other "$" is kept as is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace agent {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

std::string expand_env_references(std::string_view input, const EnvLookup& lookup);

}  // namespace agent
