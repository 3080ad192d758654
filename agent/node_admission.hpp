// agent/node_admission.hpp: what this node cannot honour in a valid Job, named by field path
// so the Job is refused (422) instead of run with different semantics.
//
// Contract: the pod's securityContext.fsGroup (no volume ownership change is made), a
// schedulerName other than default-scheduler, and a nodeSelector that this node's labels
// (kubernetes.io/os, kubernetes.io/arch) do not satisfy (the pod could never be placed: upstream
// would leave it Pending forever).
#pragma once

#include <filesystem>
#include <vector>

#include "api/field_error.hpp"
#include "api/job.hpp"

namespace agent {

api::FieldErrors node_admission_errors(const api::Job& job);

class Store;
// What `batchlet serve` admits: node_admission_errors(), and in a namespace that belongs to a
// local user, their pods' limits (namespace_owner.hpp; an owner that cannot be looked up
// refuses the Job, naming metadata.namespace). hostPath volumes are judged by where they lead
// (symlinks resolved), against the owner's home and `shared_host_paths` (resolved too).
api::FieldErrors job_admission_errors(
    Store& store, const api::Job& job,
    const std::vector<std::filesystem::path>& shared_host_paths = {});

}  // namespace agent
