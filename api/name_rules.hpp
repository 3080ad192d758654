// api/name_rules.hpp: Kubernetes name and label syntax (k8s.io/apimachinery validation), each
// check returning the upstream messages byte for byte (empty vector = valid).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.hpp"
#include "api/job.hpp"

namespace api {

// RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
std::vector<std::string> dns1123_label_errors(std::string_view value);
// RFC 1123 subdomain: labels joined by '.', at most 253 characters.
std::vector<std::string> dns1123_subdomain_errors(std::string_view value);
// Label key: [prefix/]name, prefix a DNS subdomain, name 1-63 of [-A-Za-z0-9_.] alnum-bounded.
std::vector<std::string> qualified_name_errors(std::string_view value);
// Label value: empty, or 1-63 of [-A-Za-z0-9_.] starting and ending alphanumeric.
std::vector<std::string> label_value_errors(std::string_view value);

// All errors of a label map, reported on `field` itself as the API server does.
void validate_labels(const Labels& labels, const std::string& field, FieldErrors& out);

// Annotations: keys are qualified names (checked lowercased, as upstream), and keys plus values
// may total at most 256 KiB.
void validate_annotations(const Labels& annotations, const std::string& field, FieldErrors& out);

}  // namespace api
