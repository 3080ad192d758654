// agent/host_container.hpp: what `batchlet run` can run today, and how a pod's container
// becomes a host process.
//
// The image "batchlet.local/host" means "the host's own filesystem": the container's command
// runs as a process on the host with exactly the environment the pod spec gives (PATH defaults
// to the Docker default), in workingDir or "/". Real images and namespaces come with the
// runtime issue; until then check_runnable() rejects, by field path, everything else.
#pragma once

#include "api/field_error.hpp"
#include "api/job.hpp"
#include "runtime/host_process.hpp"

namespace agent {

inline constexpr std::string_view kHostImage = "batchlet.local/host";

// Fields of a valid Job that this version cannot honour, each as a field error.
api::FieldErrors check_runnable(const api::Job& job);

// The process for `container` (command and args with $(VAR) references expanded).
runtime::HostProcessSpec host_process_spec(const api::Container& container);

}  // namespace agent
