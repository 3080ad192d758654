#include "api/label_selector.hpp"

#include <algorithm>

#include "api/name_rules.hpp"

namespace api {
namespace {

bool value_list_operator(const std::string& op) { return op == "In" || op == "NotIn"; }
bool existence_operator(const std::string& op) { return op == "Exists" || op == "DoesNotExist"; }

std::string go_strings(const std::vector<std::string>& values) {
  if (values.empty()) return "[]string(nil)";
  std::string out = "[]string{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote(values[i]);
  }
  out += '}';
  return out;
}

// One requirement as labels.Requirement.String() prints it.
struct Printed {
  std::string key;
  std::string text;
};

}  // namespace

void validate_label_selector(const LabelSelector& selector, const std::string& field,
                             FieldErrors& out) {
  validate_labels(selector.match_labels, field + ".matchLabels", out);
  for (std::size_t i = 0; i < selector.match_expressions.size(); ++i) {
    const LabelSelectorRequirement& r = selector.match_expressions[i];
    const std::string path = field + ".matchExpressions[" + std::to_string(i) + "]";
    if (value_list_operator(r.operator_)) {
      if (r.values.empty()) {
        out.push_back(
            required(path + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (existence_operator(r.operator_)) {
      if (!r.values.empty()) {
        out.push_back(forbidden(path + ".values",
                                "may not be specified when `operator` is 'Exists' or "
                                "'DoesNotExist'"));
      }
    } else {
      out.push_back(
          invalid(path + ".operator", quote(r.operator_), "not a valid selector operator"));
    }
    for (auto& e : qualified_name_errors(r.key)) {
      out.push_back(invalid(path + ".key", quote(r.key), e));
    }
    for (std::size_t v = 0; v < r.values.size(); ++v) {
      for (auto& e : label_value_errors(r.values[v])) {
        out.push_back(invalid(path + ".values[" + std::to_string(v) + "]", quote(r.values[v]), e));
      }
    }
  }
}

bool parses(const LabelSelector& selector) {
  // labels.NewRequirement's checks: the same as validation's, so a selector parses exactly when
  // it validates.
  FieldErrors errors;
  validate_label_selector(selector, "", errors);
  return errors.empty();
}

bool matches(const LabelSelector& selector, const Labels& labels) {
  for (const auto& [key, value] : selector.match_labels) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  for (const auto& r : selector.match_expressions) {
    auto it = labels.find(r.key);
    const bool present = it != labels.end();
    const bool listed =
        present && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    if (r.operator_ == "In" && !listed) return false;
    if (r.operator_ == "NotIn" && listed) return false;
    if (r.operator_ == "Exists" && !present) return false;
    if (r.operator_ == "DoesNotExist" && present) return false;
  }
  return true;
}

std::string format_label_selector(const std::optional<LabelSelector>& selector) {
  if (!selector) return "<none>";  // LabelSelectorAsSelector(nil) is Nothing(), printed ""
  if (!parses(*selector)) return "<error>";
  std::vector<Printed> parts;
  for (const auto& [key, value] : selector->match_labels) parts.push_back({key, key + "=" + value});
  for (const auto& r : selector->match_expressions) {
    std::string text;
    if (r.operator_ == "Exists") {
      text = r.key;
    } else if (r.operator_ == "DoesNotExist") {
      text = "!" + r.key;
    } else {
      std::vector<std::string> values = r.values;
      std::sort(values.begin(), values.end());
      text = r.key + (r.operator_ == "In" ? " in (" : " notin (");
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) text += ',';
        text += values[i];
      }
      text += ')';
    }
    parts.push_back({r.key, std::move(text)});
  }
  // Requirements print sorted by key.
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Printed& a, const Printed& b) { return a.key < b.key; });
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ',';
    out += p.text;
  }
  return out.empty() ? "<none>" : out;
}

std::string go_label_selector(const LabelSelector& selector) {
  std::string out = "v1.LabelSelector{MatchLabels:";
  if (selector.match_labels.empty()) {
    out += "map[string]string(nil)";
  } else {
    out += "map[string]string{";
    bool first = true;
    for (const auto& [k, v] : selector.match_labels) {
      if (!first) out += ", ";
      first = false;
      out += quote(k) + ":" + quote(v);
    }
    out += '}';
  }
  out += ", MatchExpressions:";
  if (selector.match_expressions.empty()) {
    out += "[]v1.LabelSelectorRequirement(nil)";
  } else {
    out += "[]v1.LabelSelectorRequirement{";
    for (std::size_t i = 0; i < selector.match_expressions.size(); ++i) {
      const auto& r = selector.match_expressions[i];
      if (i > 0) out += ", ";
      out += "v1.LabelSelectorRequirement{Key:" + quote(r.key) +
             ", Operator:" + quote(r.operator_) + ", Values:" + go_strings(r.values) + "}";
    }
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace api
