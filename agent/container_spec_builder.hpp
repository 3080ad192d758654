// agent/container_spec_builder.hpp: a pod's container as the runtime's StartRequest — what the
// kubelet's container manager turns a Pod into (generateContainerConfig + the CRI's OCI spec).
//
// Contract (pure: computes, never touches the file system):
// - env: downward-API fieldRefs are resolved first (metadata.name, .namespace, .uid,
//   .labels['k'], .annotations['k'], spec.nodeName, spec.serviceAccountName, status.hostIP,
//   status.podIP(s)), then image_process() applies $(VAR) expansion, the image's Env and PATH.
//   A fieldRef batchlet cannot resolve is an error (CreateContainerConfigError).
// - rootfs: the host image gets the host's / read-only (runtime RootfsSpec::host); an image
//   gets an overlay of its layers with upper/work/merged in rootfs-<restart>/ of the
//   container's state directory (the caller creates them).
// - mounts: emptyDir -> pods/<uid>/volumes/<name> (medium Memory: a tmpfs with sizeLimit),
//   hostPath -> a bind of the path; subPath appends; readOnly as given.
// - identity and security: runAsUser/runAsGroup (container over pod), supplementalGroups,
//   runAsNonRoot, the image's User when no runAsUser, privileged, capabilities add/drop,
//   seccompProfile (container over pod; Localhost profiles under <state dir>/seccomp/),
//   allowPrivilegeEscalation: false -> no_new_privs, readOnlyRootFilesystem.
// - hostname: spec.hostname, else the pod name. Logs: base::Paths::container_log at the
//   container's restart count. Termination message: the file the shim collects.
#pragma once

#include <filesystem>
#include <string>

#include "agent/namespace_owner.hpp"
#include "api/pod.hpp"
#include "base/paths.hpp"
#include "base/result.hpp"
#include "runtime/image_store.hpp"
#include "runtime/shim_client.hpp"

namespace agent {

inline constexpr std::string_view kHostImageName = "batchlet.local/host";

struct ContainerContext {
  const api::Pod* pod = nullptr;
  const api::Container* container = nullptr;
  bool init = false;
  const runtime::ResolvedImage* image = nullptr;  // null: the host image
  base::Paths paths;
  std::int32_t restart_count = 0;
  std::filesystem::path cgroup_dir;  // empty: none
  std::filesystem::path shim_binary = "/proc/self/exe";
  runtime::LogRotation log_rotation;
  // The local user the pod's namespace belongs to (namespace_owner.hpp): the container runs as
  // them whatever its securityContext says. nullopt: the manifest decides.
  std::optional<NamespaceOwner> owner;
};

// pods/<uid>/volumes/<name>: where an emptyDir lives on the host.
std::filesystem::path empty_dir_path(const base::Paths& paths, const std::string& pod_uid,
                                     const std::string& volume);

base::Result<runtime::StartRequest> build_start_request(const ContainerContext& context);

}  // namespace agent
