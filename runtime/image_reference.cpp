#include "runtime/image_reference.hpp"

#include <algorithm>

namespace runtime {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool is_domain_component(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

// host := domain-name | IPv4 (a domain-name too) | "[" [a-fA-F0-9:]+ "]"
bool is_host(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    if (s.size() < 3 || s.back() != ']') return false;
    const auto inner = s.substr(1, s.size() - 2);
    return std::all_of(inner.begin(), inner.end(), [](char c) { return is_hex(c) || c == ':'; });
  }
  std::size_t start = 0;
  while (true) {
    const auto dot = s.find('.', start);
    if (!is_domain_component(s.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// domain := host [":" port]; the port is the text after the last ':' that follows the host.
bool is_domain(std::string_view s) {
  std::size_t host_end = s.size();
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    host_end = close + 1;
  } else {
    host_end = std::min(s.find(':'), s.size());
  }
  if (!is_host(s.substr(0, host_end))) return false;
  if (host_end == s.size()) return true;
  if (s[host_end] != ':') return false;
  const auto port = s.substr(host_end + 1);
  return !port.empty() && std::all_of(port.begin(), port.end(), is_digit);
}

// path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
bool is_path_component(std::string_view s) {
  std::size_t i = 0;
  auto alnum_run = [&] {
    const std::size_t begin = i;
    while (i < s.size() && is_lower_alnum(s[i])) ++i;
    return i > begin;
  };
  if (!alnum_run()) return false;
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

bool is_path(std::string_view s) {
  std::size_t start = 0;
  while (true) {
    const auto slash = s.find('/', start);
    if (!is_path_component(s.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

// name := [domain "/"] path. The optional domain is tried first, as the upstream regular
// expression does; returns false when the text is no name.
bool split_name(std::string_view s, std::string_view& domain, std::string_view& path) {
  const auto slash = s.find('/');
  if (slash != std::string_view::npos && is_domain(s.substr(0, slash)) &&
      is_path(s.substr(slash + 1))) {
    domain = s.substr(0, slash);
    path = s.substr(slash + 1);
    return true;
  }
  if (!is_path(s)) return false;
  domain = {};
  path = s;
  return true;
}

bool is_tag(std::string_view s) {
  if (s.empty() || s.size() > 128 || !is_word(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

// The reference grammar's digest: [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[xdigit]{32,}
bool is_reference_digest(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  const auto algorithm = s.substr(0, colon);
  const auto hex = s.substr(colon + 1);
  bool component_start = true;
  for (char c : algorithm) {
    if (component_start) {
      if (!is_alpha(c)) return false;
      component_start = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      component_start = true;
    } else if (!is_alnum(c)) {
      return false;
    }
  }
  if (component_start) return false;
  return hex.size() >= 32 && std::all_of(hex.begin(), hex.end(), is_hex);
}

struct Parts {
  std::string_view name, tag, digest;
};

// The whole reference grammar, with no semantic checks; nullopt when the text does not match.
std::optional<Parts> match_reference(std::string_view s) {
  Parts parts;
  const auto at = s.find('@');
  std::string_view named = s;
  if (at != std::string_view::npos) {
    parts.digest = s.substr(at + 1);
    named = s.substr(0, at);
    if (!is_reference_digest(parts.digest)) return std::nullopt;
  }
  // A tag holds no '/' or ':', so it starts after the last ':' that follows the last '/'.
  const auto last_slash = named.rfind('/');
  const auto colon = named.find(':', last_slash == std::string_view::npos ? 0 : last_slash + 1);
  if (colon != std::string_view::npos) {
    parts.tag = named.substr(colon + 1);
    named = named.substr(0, colon);
    if (!is_tag(parts.tag)) return std::nullopt;
  }
  std::string_view domain, path;
  if (!split_name(named, domain, path)) return std::nullopt;
  parts.name = named;
  return parts;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return out;
}

}  // namespace

std::string ImageReference::name() const {
  if (domain.empty()) return path;
  std::string out = domain;
  out += '/';
  out += path;
  return out;
}

std::string ImageReference::str() const {
  std::string out = name();
  if (!tag.empty()) {
    out += ':';
    out += tag;
  }
  if (digest) {
    out += '@';
    out += digest->str();
  }
  return out;
}

std::string ImageReference::familiar() const {
  ImageReference copy = *this;
  if (copy.domain == kDefaultRegistry) {
    copy.domain.clear();
    constexpr std::string_view kLibrary = "library/";
    if (copy.path.compare(0, kLibrary.size(), kLibrary) == 0 &&
        copy.path.find('/', kLibrary.size()) == std::string::npos) {
      copy.path.erase(0, kLibrary.size());
    }
  }
  return copy.str();
}

base::Result<ImageReference> parse_reference(std::string_view text) {
  if (text.empty()) return base::Error("repository name must have at least one component");
  const auto parts = match_reference(text);
  if (!parts) {
    const std::string lower = to_lower(text);
    if (lower != text && match_reference(lower)) {
      return base::Error("repository name must be lowercase");
    }
    return base::Error("invalid reference format");
  }
  ImageReference reference;
  std::string_view domain, path;
  split_name(parts->name, domain, path);
  reference.domain = std::string(domain);
  reference.path = std::string(path);
  if (reference.path.size() > kMaxRepositoryPathLength) {
    return base::Error("repository name must not be more than 255 characters");
  }
  reference.tag = std::string(parts->tag);
  if (!parts->digest.empty()) {
    auto digest = parse_digest(parts->digest);
    if (!digest) return digest.error();
    reference.digest = std::move(*digest);
  }
  return reference;
}

base::Result<ImageReference> normalize_reference(std::string_view text) {
  // anchoredIdentifierRegexp: a bare 64-hex image ID is not a repository name.
  if (text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
        return is_digit(c) || (c >= 'a' && c <= 'f');
      })) {
    return base::Error("invalid repository name (" + std::string(text) +
                       "), cannot specify 64-byte hexadecimal strings");
  }
  // splitDockerDomain: the first component is a registry only when it looks like one.
  std::string domain, remainder;
  const auto slash = text.find('/');
  const auto first = text.substr(0, slash == std::string_view::npos ? 0 : slash);
  if (slash == std::string_view::npos || (first.find_first_of(".:") == std::string_view::npos &&
                                          first != "localhost" && to_lower(first) == first)) {
    domain = kDefaultRegistry;
    remainder = std::string(text);
  } else {
    domain = std::string(first);
    remainder = std::string(text.substr(slash + 1));
  }
  if (domain == "index.docker.io") domain = kDefaultRegistry;
  if (domain == kDefaultRegistry && remainder.find('/') == std::string::npos) {
    remainder.insert(0, "library/");
  }
  const auto tag_separator = remainder.find(':');
  const std::string remote = remainder.substr(0, tag_separator);
  if (to_lower(remote) != remote) {
    return base::Error("invalid reference format: repository name (" + remote +
                       ") must be lowercase");
  }
  std::string full = domain;
  full += '/';
  full += remainder;
  auto reference = parse_reference(full);
  if (!reference) return reference.error();
  if (reference->domain.empty() && reference->path.empty()) {
    return base::Error("reference " + std::string(text) + " has no name");
  }
  return reference;
}

ImageReference with_default_tag(ImageReference reference) {
  if (reference.name_only()) reference.tag = std::string(kDefaultTag);
  return reference;
}

}  // namespace runtime
