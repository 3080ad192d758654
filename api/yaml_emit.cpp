// api/yaml_emit.cpp: a small block-style YAML emitter with go-yaml v2's choices of scalar style.
#include "api/yaml_emit.hpp"

#include <cstdio>
#include <regex>
#include <string_view>

namespace api {

namespace {

// Plain text a YAML 1.1 reader (go-yaml v2) would resolve to a bool, null, number or timestamp.
bool resolves_to_non_string(std::string_view s) {
  static const std::regex special(
      "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
      "null|Null|NULL|~|\\.inf|\\.Inf|\\.INF|[-+]\\.inf|[-+]\\.Inf|[-+]\\.INF|\\.nan|\\.NaN|"
      "\\.NAN|<<");
  static const std::regex number(
      "[-+]?(0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|"
      "[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|"
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?");
  const std::string text(s);
  return std::regex_match(text, special) || std::regex_match(text, number);
}

// Characters go-yaml writes only inside double quotes (control characters, DEL, the BOM).
bool needs_escapes(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
  }
  return s.find("\xef\xbb\xbf") != std::string_view::npos;
}

// Whether go-yaml's emitter allows `s` as a plain scalar in block context.
bool plain_allowed(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (s.find('\n') != std::string_view::npos) return false;
  static constexpr std::string_view always_indicators = ",[]{}#&*!|>'\"%@`";
  if (always_indicators.find(s.front()) != std::string_view::npos) return false;
  if ((s.front() == '-' || s.front() == '?' || s.front() == ':') &&
      (s.size() == 1 || s[1] == ' ')) {
    return false;
  }
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) {
    return false;
  }
  return s.back() != ':';
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02X", c);
          out += escape;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// A literal block: "|" (one final newline), "|-" (none) or "|+" (more), then the lines.
std::string literal_block(std::string_view s, int indent) {
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string out = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  const std::string pad(indent, ' ');
  std::string_view body = s.substr(0, s.size() - trailing);
  std::size_t start = 0;
  while (start <= body.size()) {
    const auto end = std::min(body.find('\n', start), body.size());
    const auto line = body.substr(start, end - start);
    out += "\n";
    if (!line.empty()) out += pad + std::string(line);
    start = end + 1;
  }
  for (std::size_t i = 1; i < trailing; ++i) out += "\n";
  return out;
}

std::string scalar(const nlohmann::json& value, int block_indent) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  const auto& s = value.get_ref<const std::string&>();
  if (needs_escapes(s)) return double_quoted(s);
  if (s.find('\n') != std::string::npos) {
    // go-yaml falls back to double quotes when the first line starts with a space: a literal
    // block would then need an indentation indicator.
    if (s.front() == ' ' || s.front() == '\n') return double_quoted(s);
    return literal_block(s, block_indent);
  }
  if (s.empty() || resolves_to_non_string(s)) return double_quoted(s);
  return plain_allowed(s) ? s : single_quoted(s);
}

bool is_empty_collection(const nlohmann::json& value) {
  return (value.is_object() || value.is_array()) && value.empty();
}

void emit(const nlohmann::json& value, int indent, std::string& out);

// `value` after "key:" or "- ": inline when scalar or empty, else on the following lines.
void emit_after_indicator(const nlohmann::json& value, int indent, bool in_sequence,
                          std::string& out) {
  if (is_empty_collection(value)) {
    out += value.is_object() ? " {}\n" : " []\n";
  } else if (value.is_object()) {
    out += "\n";
    emit(value, indent + 2, out);
  } else if (value.is_array()) {
    out += "\n";
    // go-yaml v2 does not indent a sequence that is a mapping's value; a sequence in a
    // sequence is indented.
    emit(value, in_sequence ? indent + 2 : indent, out);
  } else {
    out += ' ';
    out += scalar(value, indent + 2);
    out += '\n';
  }
}

void emit(const nlohmann::json& value, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      out += pad + scalar(it.key(), indent + 2) + ":";
      emit_after_indicator(it.value(), indent, false, out);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_object() && !item.empty()) {
        // "- first: x" then the other keys under "first".
        std::string nested;
        emit(item, indent + 2, nested);
        out += pad + "- " + nested.substr(indent + 2);
      } else {
        out += pad + "-";
        emit_after_indicator(item, indent, true, out);
      }
    }
  } else {
    out += pad + scalar(value, indent) + "\n";
  }
}

}  // namespace

std::string to_yaml(const nlohmann::json& value) {
  if (is_empty_collection(value)) return value.is_object() ? "{}\n" : "[]\n";
  std::string out;
  emit(value, 0, out);
  return out;
}

}  // namespace api
