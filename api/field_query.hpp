// api/field_query.hpp: the field selector strings of list and watch requests
// (`?fieldSelector=metadata.name=pi,status.phase!=Running`), parsed like upstream's
// k8s.io/apimachinery fields.ParseSelector and checked against the fields each resource
// supports (the API server's per-resource field label conversion).
//
// Contract:
// - Terms are separated by ','; each is `field=value`, `field==value` or `field!=value`; a
//   backslash escapes ',', '=', '!' and '\' in values. Errors are upstream's text:
//   `invalid selector: '<selector>'; can't understand '<term>'`.
// - supported_field_error(resource, query) names the first field the resource cannot select
//   on: `field label not supported: <field>` (upstream answers this with 400 BadRequest).
// - Matching takes the object's field values as a map (the caller extracts them); a field that
//   is absent matches as the empty string, as upstream's field sets do.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace api {

struct FieldRequirement {
  std::string field;
  bool negated = false;  // "!="
  std::string value;
};

struct FieldQuery {
  std::vector<FieldRequirement> requirements;
  bool matches(const std::map<std::string, std::string>& fields) const;
  bool empty() const { return requirements.empty(); }
  // The value `field` is required to equal, if an "=" / "==" term names it.
  const std::string* required_value(std::string_view field) const;
};

struct FieldQueryResult {
  FieldQuery query;
  std::string error;
};

FieldQueryResult parse_field_query(std::string_view text);

// "" when every field of `query` is selectable on `resource` ("jobs", "pods", "events",
// "namespaces"), else the upstream error message.
std::string supported_field_error(std::string_view resource, const FieldQuery& query);

}  // namespace api
