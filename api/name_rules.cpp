#include "api/name_rules.hpp"

namespace api {
namespace {

constexpr std::string_view kDns1123LabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr std::string_view kDns1123SubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr std::string_view kQualifiedNamePartMessage =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
constexpr std::string_view kQualifiedNameMessage =
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')";
constexpr std::string_view kLabelValueMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
    "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool matches_dns_label(std::string_view s) {
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!lower_alnum(c) && c != '-') return false;
  }
  return true;
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool matches_name_part(std::string_view s) {
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])? joined by '.'
bool matches_dns_subdomain(std::string_view value) {
  bool ok = !value.empty();
  std::size_t start = 0;
  while (ok) {
    const auto dot = value.find('.', start);
    ok = matches_dns_label(value.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return ok;
}

std::string max_length(std::size_t n) {
  return "must be no more than " + std::to_string(n) + " characters";
}

}  // namespace

std::vector<std::string> dns1123_label_errors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 63) errs.push_back(max_length(63));
  if (!matches_dns_label(value)) {
    // A valid subdomain that is not a label can only have dots (length was checked above).
    if (matches_dns_subdomain(value)) {
      errs.emplace_back("must not contain dots");
    } else {
      errs.emplace_back(kDns1123LabelMessage);
    }
  }
  return errs;
}

std::vector<std::string> dns1123_subdomain_errors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 253) errs.push_back(max_length(253));
  if (!matches_dns_subdomain(value)) errs.emplace_back(kDns1123SubdomainMessage);
  return errs;
}

std::vector<std::string> qualified_name_errors(std::string_view value) {
  std::vector<std::string> errs;
  std::string_view name = value;
  const auto slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      errs.emplace_back(kQualifiedNameMessage);
      return errs;
    }
    const auto prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errs.emplace_back("prefix part must be non-empty");
    } else {
      for (const auto& e : dns1123_subdomain_errors(prefix)) errs.push_back("prefix part " + e);
    }
  }
  // As upstream: an empty name part also fails the pattern, so it gets both messages.
  if (name.empty()) {
    errs.emplace_back("name part must be non-empty");
  } else if (name.size() > 63) {
    errs.push_back("name part " + max_length(63));
  }
  if (!matches_name_part(name)) errs.emplace_back(kQualifiedNamePartMessage);
  return errs;
}

std::vector<std::string> label_value_errors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 63) errs.push_back(max_length(63));
  if (!value.empty() && !matches_name_part(value)) errs.emplace_back(kLabelValueMessage);
  return errs;
}

void validate_labels(const Labels& labels, const std::string& field, FieldErrors& out) {
  for (const auto& [key, value] : labels) {
    for (auto& e : qualified_name_errors(key)) out.push_back(invalid(field, quote(key), e));
    for (auto& e : label_value_errors(value)) out.push_back(invalid(field, quote(value), e));
  }
}

void validate_annotations(const Labels& annotations, const std::string& field, FieldErrors& out) {
  constexpr std::size_t kTotalAnnotationSizeLimit = 256 * 1024;
  std::size_t total = 0;
  for (const auto& [key, value] : annotations) {
    std::string lower = key;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    for (auto& e : qualified_name_errors(lower)) out.push_back(invalid(field, quote(key), e));
    total += key.size() + value.size();
  }
  if (total > kTotalAnnotationSizeLimit) {
    out.push_back(too_long(field, kTotalAnnotationSizeLimit));
  }
}

}  // namespace api
