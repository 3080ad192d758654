#include "agent/env_expansion.hpp"

namespace agent {

std::string expand_env_references(std::string_view input, const EnvLookup& lookup) {
  std::string out;
  out.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] != '$' || i + 1 >= input.size()) {
      out += input[i];
      continue;
    }
    const char next = input[i + 1];
    if (next == '$') {  // "$$" -> "$"
      out += '$';
      ++i;
    } else if (next == '(') {
      const auto close = input.find(')', i + 2);
      if (close == std::string_view::npos) {  // unterminated: kept as written
        out += input.substr(i);
        break;
      }
      const auto name = input.substr(i + 2, close - i - 2);
      const auto value = name.empty() ? std::nullopt : lookup(name);
      if (value) {
        out += *value;
      } else {
        out += input.substr(i, close - i + 1);
      }
      i = close;
    } else {
      out += '$';
    }
  }
  return out;
}

}  // namespace agent
