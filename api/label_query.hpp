// api/label_query.hpp: the label selector strings of list and watch requests
// (`?labelSelector=job-name=pi,tier in (a,b),!canary`), parsed and matched exactly like upstream's
// k8s.io/apimachinery labels.Parse and Selector.Matches.
//
// Contract:
// - Grammar: requirements separated by ','; each is `[!]key`, `key (=|==|!=) value`,
//   `key (in|notin) (v1,v2,...)` or `key (>|<) integer`; blanks (space, tab, CR, LF) separate
//   tokens. Keys must be qualified names and values label values.
// - Errors are upstream's text, e.g. `unable to parse requirement: found 'b', expected: ',' or
//   'end of string'` or `unable to parse requirement: <nil>: Invalid value: "a@b": ...` — the
//   API server sends them as a 400 BadRequest.
// - An empty string selects everything. Requirements are kept sorted by key (stable), as
//   upstream sorts them, so to_string() is canonical.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/job.hpp"

namespace api {

enum class LabelOperator {
  exists,
  does_not_exist,
  equals,
  double_equals,
  not_equals,
  in,
  not_in,
  greater_than,
  less_than
};

struct LabelRequirement {
  std::string key;
  LabelOperator op = LabelOperator::exists;
  std::vector<std::string> values;  // sorted, unique (upstream keeps a set)

  bool matches(const Labels& labels) const;
};

struct LabelQuery {
  std::vector<LabelRequirement> requirements;  // ANDed

  bool matches(const Labels& labels) const;
  bool empty() const { return requirements.empty(); }
  // Upstream's String(): "a=b,c in (x,y),!d".
  std::string to_string() const;
};

struct LabelQueryResult {
  LabelQuery query;
  std::string error;  // non-empty: the string is invalid
};

LabelQueryResult parse_label_query(std::string_view text);

}  // namespace api
