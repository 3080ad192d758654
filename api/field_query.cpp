#include "api/field_query.hpp"

#include <algorithm>
#include <array>

namespace api {

namespace {

// Splits on `separator` outside backslash escapes (upstream splitTerms / splitTerm).
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> terms;
  if (text.empty()) return terms;
  std::string current;
  bool escaped = false;
  for (char c : text) {
    if (escaped) {
      current.push_back('\\');
      current.push_back(c);
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == ',') {
      terms.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (escaped) current.push_back('\\');
  terms.push_back(current);
  return terms;
}

// Finds the first operator outside escapes; the order of the checks prefers "!=" and "==" to
// "=" at the same position, as upstream.
bool split_term(const std::string& term, std::string& lhs, std::string& op, std::string& rhs) {
  static constexpr std::array<std::string_view, 3> kOperators = {"!=", "==", "="};
  for (std::size_t i = 0; i < term.size(); ++i) {
    if (term[i] == '\\') {
      ++i;
      continue;
    }
    for (std::string_view candidate : kOperators) {
      if (term.compare(i, candidate.size(), candidate) == 0) {
        lhs = term.substr(0, i);
        op = candidate;
        rhs = term.substr(i + candidate.size());
        return true;
      }
    }
  }
  return false;
}

// Removes escapes; false on an invalid escape (upstream UnescapeValue).
bool unescape(const std::string& text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      if (i + 1 >= text.size()) return false;
      const char next = text[i + 1];
      if (next != '\\' && next != ',' && next != '=' && next != '!') return false;
      out.push_back(next);
      ++i;
    } else if (text[i] == ',' || text[i] == '=') {
      return false;  // unescaped reserved character
    } else {
      out.push_back(text[i]);
    }
  }
  return true;
}

}  // namespace

bool FieldQuery::matches(const std::map<std::string, std::string>& fields) const {
  return std::all_of(requirements.begin(), requirements.end(), [&](const FieldRequirement& r) {
    const auto found = fields.find(r.field);
    const std::string& have = found != fields.end() ? found->second : std::string();
    return r.negated ? have != r.value : have == r.value;
  });
}

const std::string* FieldQuery::required_value(std::string_view field) const {
  for (const auto& requirement : requirements) {
    if (requirement.field == field && !requirement.negated) return &requirement.value;
  }
  return nullptr;
}

FieldQueryResult parse_field_query(std::string_view text) {
  FieldQueryResult result;
  for (const std::string& term : split_terms(text)) {
    if (term.empty()) continue;
    std::string lhs, op, rhs, value;
    if (!split_term(term, lhs, op, rhs) || !unescape(rhs, value)) {
      result.error = "invalid selector: '";
      result.error += text;
      result.error += "'; can't understand '";
      result.error += term;
      result.error += "'";
      result.query.requirements.clear();
      return result;
    }
    result.query.requirements.push_back({lhs, op == "!=", value});
  }
  return result;
}

std::string supported_field_error(std::string_view resource, const FieldQuery& query) {
  static const std::map<std::string_view, std::vector<std::string_view>> kFields = {
      {"jobs", {"metadata.name", "metadata.namespace", "status.successful"}},
      {"pods",
       {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
        "status.podIP", "status.podIPs", "status.nominatedNodeName"}},
      {"events",
       {"metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace",
        "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
        "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type"}},
      {"namespaces", {"metadata.name", "status.phase"}},
  };
  const auto fields = kFields.find(resource);
  for (const auto& requirement : query.requirements) {
    const bool known = fields != kFields.end() &&
                       std::find(fields->second.begin(), fields->second.end(), requirement.field) !=
                           fields->second.end();
    if (!known) return "field label not supported: " + requirement.field;
  }
  return {};
}

}  // namespace api
