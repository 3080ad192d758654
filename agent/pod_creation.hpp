// agent/pod_creation.hpp: what the Job controller asks for when it creates a pod (spec §2.3):
// generateName, labels, annotations, finalizers, and for Indexed jobs the completion index as
// annotation + label, the hostname "<job>-<index>" and the JOB_COMPLETION_INDEX env variable.
//
// Contract: a pure function of the job and the index; the template's own labels and annotations
// are kept, and the tracking finalizer is added.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/pod_control.hpp"
#include "api/job.hpp"

namespace agent {

// The generateName prefix: "<job>-" or, Indexed, "<job>-<index>-" with the job name cut so the
// prefix stays within 58 characters and the "-<index>-" part survives.
std::string pod_generate_name(std::string_view job_name, std::optional<std::int32_t> index);

PodCreation pod_creation_for(const api::Job& job, std::optional<std::int32_t> index);

}  // namespace agent
