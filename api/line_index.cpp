// api/line_index.cpp: field path spelling and the ancestor fallback of LineIndex.
//
// Kubernetes prints bracketed keys without escaping, so a key containing "]" followed by "." or
// "[" cannot be told apart from a path boundary. The tokenizer below takes the first "]" that is
// followed by the end of the path, "." or "[" as the closing bracket, which is right for every
// label, annotation and resource name Kubernetes accepts.
#include "api/line_index.hpp"

#include <utility>
#include <vector>

namespace api {
namespace {

bool is_plain_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

struct Component {
  std::size_t start = 0;  // where the component begins, including its leading '.' or '['
  std::string_view name;  // the key or index without '.', '[' and ']'
  bool bracketed = false;
};

// Splits a path into its components. Never fails: a malformed tail becomes one component.
std::vector<Component> split(std::string_view path) {
  std::vector<Component> out;
  std::size_t pos = 0;
  const std::size_t n = path.size();
  while (pos < n) {
    Component c;
    c.start = pos;
    if (path[pos] == '[') {
      std::size_t close = std::string_view::npos;
      for (std::size_t j = pos + 1; j < n; ++j) {
        if (path[j] == ']' && (j + 1 == n || path[j + 1] == '.' || path[j + 1] == '[')) {
          close = j;
          break;
        }
      }
      c.bracketed = true;
      if (close == std::string_view::npos) {
        c.name = path.substr(pos + 1);
        pos = n;
      } else {
        c.name = path.substr(pos + 1, close - pos - 1);
        pos = close + 1;
      }
    } else {
      if (path[pos] == '.') ++pos;
      std::size_t end = pos;
      while (end < n && path[end] != '.' && path[end] != '[') ++end;
      c.name = path.substr(pos, end - pos);
      pos = end;
    }
    out.push_back(c);
  }
  return out;
}

// The stored spelling of a path whose map keys a Kubernetes error printed in brackets. All-digit
// brackets stay as they are: they name sequence items far more often than map keys.
std::string canonical(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (const Component& c : split(path)) {
    if (c.bracketed && !(is_plain_key(c.name) && !is_all_digits(c.name))) {
      out += '[';
      out += c.name;
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += c.name;
    }
  }
  return out;
}

}  // namespace

void LineIndex::add(std::string path, int line) { lines_.insert_or_assign(std::move(path), line); }

std::optional<int> LineIndex::find(std::string_view path) const {
  if (auto it = lines_.find(path); it != lines_.end()) return it->second;
  if (path.find('[') == std::string_view::npos) return std::nullopt;
  const std::string alt = canonical(path);
  if (alt == path) return std::nullopt;
  if (auto it = lines_.find(alt); it != lines_.end()) return it->second;
  return std::nullopt;
}

std::optional<int> LineIndex::line_of(std::string_view path) const {
  for (;;) {
    if (auto line = find(path)) return line;
    if (path.empty()) return std::nullopt;
    path = parent(path);
  }
}

std::string LineIndex::child(std::string_view parent_path, std::string_view key) {
  std::string out;
  out.reserve(parent_path.size() + key.size() + 2);
  out += parent_path;
  if (is_plain_key(key)) {
    if (!parent_path.empty()) out += '.';
    out += key;
  } else {
    out += '[';
    out += key;
    out += ']';
  }
  return out;
}

std::string LineIndex::item(std::string_view parent_path, std::size_t index) {
  std::string out(parent_path);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

std::string_view LineIndex::parent(std::string_view path) {
  const std::vector<Component> parts = split(path);
  if (parts.empty()) return path.substr(0, 0);
  return path.substr(0, parts.back().start);
}

}  // namespace api
