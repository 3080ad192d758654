#include "api/request_info.hpp"

#include <cctype>

namespace api {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Non-resource requests use the HTTP method, lower-cased, as their verb.
std::string lower_case(std::string_view method) {
  std::string lower(method);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string verb_for(std::string_view method, bool has_name, bool watch) {
  if (method == "GET" || method == "HEAD") {
    if (watch) return "watch";
    return has_name ? "get" : "list";
  }
  if (method == "POST") return "create";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return has_name ? "delete" : "deletecollection";
  return lower_case(method);
}

}  // namespace

std::optional<std::string_view> RequestInfo::param(std::string_view key) const {
  for (const auto& [parameter, value] : query) {
    if (parameter == key) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

RequestInfoResult parse_request_info(std::string_view method, std::string_view target) {
  RequestInfo info;
  const std::size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) {
    for (std::string_view pair : split(target.substr(question + 1), '&')) {
      if (pair.empty()) continue;
      const std::size_t equals = pair.find('=');
      auto key = percent_decode(pair.substr(0, equals), true);
      auto value = percent_decode(
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
      if (!key || !value) {
        return {std::nullopt, "invalid URL escape in query " + std::string(pair)};
      }
      info.query.emplace_back(std::move(*key), std::move(*value));
    }
  }
  auto path = percent_decode(raw_path, false);
  if (!path) return {std::nullopt, "invalid URL escape in path " + std::string(raw_path)};
  info.path = *path;

  std::vector<std::string> segments;
  for (std::string_view segment : split(raw_path, '/')) {
    if (segment.empty()) continue;
    segments.push_back(*percent_decode(segment, false));  // decodable: checked above
  }
  const auto watch_param = info.param("watch");
  bool watch = watch_param && query_bool(*watch_param);

  std::size_t at = 0;
  if (segments.size() >= 2 && segments[0] == "api") {
    info.api_prefix = "api";
    info.api_version = segments[1];
    at = 2;
  } else if (segments.size() >= 3 && segments[0] == "apis") {
    info.api_prefix = "apis";
    info.api_group = segments[1];
    info.api_version = segments[2];
    at = 3;
  } else {
    info.verb = lower_case(method);
    return {std::move(info), {}};
  }
  std::vector<std::string> rest(segments.begin() + static_cast<std::ptrdiff_t>(at), segments.end());
  if (rest.empty()) {  // /api/v1, /apis/batch/v1: discovery
    info.verb = lower_case(method);
    return {std::move(info), {}};
  }
  info.is_resource_request = true;
  if (rest[0] == "watch") {  // deprecated /watch/ prefix
    watch = true;
    rest.erase(rest.begin());
  }
  // namespaces/<ns>/<resource>/... is namespaced; "namespaces" and "namespaces/<name>[/sub]"
  // themselves are the namespace resource.
  // namespaces/<ns>/status and /finalize are subresources of the namespace itself.
  if (rest.size() >= 2 && rest[0] == "namespaces") {
    info.name_space = rest[1];
    if (rest.size() >= 3 && rest[2] != "status" && rest[2] != "finalize") {
      rest.erase(rest.begin(), rest.begin() + 2);
    }
  }
  if (!rest.empty()) info.resource = rest[0];
  if (rest.size() >= 2) info.name = rest[1];
  if (rest.size() >= 3) info.subresource = rest[2];
  if (rest.size() > 3) {
    return {std::nullopt, "the server could not find the requested resource"};
  }
  info.verb = verb_for(method, !info.name.empty(), watch);
  return {std::move(info), {}};
}

bool query_bool(std::string_view value) {
  if (value == "0") return false;
  if (value.size() != 5) return true;
  std::string lower(value);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower != "false";
}

}  // namespace api
