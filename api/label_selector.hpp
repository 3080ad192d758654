// api/label_selector.hpp: meta/v1 LabelSelector (matchLabels + matchExpressions), its upstream
// validation (ValidateLabelSelector), matching (LabelSelectorAsSelector + Matches) and printing
// (FormatLabelSelector).
//
// Contract: parses() is true exactly when upstream's LabelSelectorAsSelector would succeed, and
// matches() must only be asked of a selector that parses. An empty selector matches everything;
// "no selector" (std::nullopt at the call sites) matches nothing, as upstream.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/field_error.hpp"
#include "api/object_meta.hpp"

namespace api {

struct LabelSelectorRequirement {
  std::string key;
  std::string operator_;  // In | NotIn | Exists | DoesNotExist ("operator" in JSON)
  std::vector<std::string> values;
};

struct LabelSelector {
  Labels match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
};

// Upstream ValidateLabelSelector (label values in selectors checked, as on create).
void validate_label_selector(const LabelSelector& selector, const std::string& field,
                             FieldErrors& out);

bool parses(const LabelSelector& selector);
bool matches(const LabelSelector& selector, const Labels& labels);

// Upstream FormatLabelSelector: "a=b,k in (x,y),!gone", "<none>" when it selects everything,
// "<error>" when it does not parse.
std::string format_label_selector(const std::optional<LabelSelector>& selector);

// A deterministic stand-in for Go's %#v of a metav1.LabelSelector, as field errors print it.
std::string go_label_selector(const LabelSelector& selector);

}  // namespace api
