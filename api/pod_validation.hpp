// api/pod_validation.hpp: validation of a Job's pod template (upstream ValidatePodTemplateSpec /
// ValidatePodSpec for the subset of api/pod_spec.hpp), with upstream's messages, field paths
// and order, plus batchlet's capability rules where upstream accepts what no pod on this host
// could ever use (resource names other than cpu/memory/ephemeral-storage, emptyDir media other
// than "" and Memory). Those add an `Unsupported value` naming the field (docs/compatibility.md).
#pragma once

#include <string>

#include "api/field_error.hpp"
#include "api/pod_spec.hpp"

namespace api {

// Appends the errors of `tmpl` (defaults already applied) found under `field` ("spec.template").
void validate_pod_template(const PodTemplateSpec& tmpl, const std::string& field, FieldErrors& out);

}  // namespace api
