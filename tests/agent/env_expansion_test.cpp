#include "agent/env_expansion.hpp"

#include <catch2/catch.hpp>
#include <map>

namespace {
std::string expand(std::string_view in) {
  static const std::map<std::string, std::string, std::less<>> vars{{"A", "alpha"}, {"B", "b"}};
  return agent::expand_env_references(in, [](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}
}  // namespace

TEST_CASE("$(VAR) references expand like the kubelet's", "[unit]") {
  CHECK(expand("$(A)") == "alpha");
  CHECK(expand("x-$(A)-$(B)-y") == "x-alpha-b-y");
  CHECK(expand("$(MISSING)") == "$(MISSING)");
  CHECK(expand("$$(A)") == "$(A)");
  CHECK(expand("$$$(A)") == "$alpha");
  CHECK(expand("$A ${A} $") == "$A ${A} $");
  CHECK(expand("$(A") == "$(A");
  CHECK(expand("$()") == "$()");
  CHECK(expand("") == "");
}
