// api/job_update_validation.hpp: validation of an update of a Job (spec §3.3) and of its
// /status (§3.4), as pure functions of the stored object and the proposed one, with upstream's
// messages (pkg/apis/batch/validation ValidateJobUpdate / ValidateJobUpdateStatus and the
// registry strategy's options for Kubernetes ~1.33+ with default feature gates).
//
// Contract: both jobs are defaulted. validate_job_update re-runs the create rules on `updated`
// (the batch.kubernetes.io/ template labels are required only if `old` has them), then checks
// metadata and spec immutability; the template may change only in its labels, annotations and
// nodeSelector, and only while `old` is suspended and has never started.
// validate_job_status_update checks the status of `updated` and its transitions from `old`;
// the rules upstream enables only when a field changes are checked only then.
// Values upstream prints with Go's %#v of large structs (the template) are shown as
// `core.PodTemplateSpec{...}`.
#pragma once

#include "api/field_error.hpp"
#include "api/job.hpp"

namespace api {

FieldErrors validate_job_update(const Job& old, const Job& updated);

FieldErrors validate_job_status_update(const Job& old, const Job& updated);

}  // namespace api
