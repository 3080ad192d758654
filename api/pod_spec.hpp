// api/pod_spec.hpp: the core/v1 PodSpec subset batchlet understands (what a Job's pod template
// may contain).
//
// Field names follow the Kubernetes API (camelCase in JSON, snake_case here). Pointer fields of
// the Go types are std::optional, so "unset" and "zero" stay distinct where defaulting or
// validation tells them apart. Probe thresholds are plain integers as in Go, where 0 means "take
// the default". api/job_decode.cpp rejects every field outside this subset by name.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/object_meta.hpp"
#include "api/quantity.hpp"

namespace api {

// Downward API: a field of the pod, e.g. "metadata.name" or "metadata.labels['app']".
struct ObjectFieldSelector {
  std::string api_version;  // defaulted to "v1"
  std::string field_path;
};

struct EnvVarSource {
  std::optional<ObjectFieldSelector> field_ref;
};

struct EnvVar {
  std::string name;
  std::string value;
  std::optional<EnvVarSource> value_from;
};

// Resource name ("cpu", "memory", "ephemeral-storage") -> quantity; std::map keeps Go's sorted
// key order for encoding and makes validation order deterministic.
using ResourceList = std::map<std::string, Quantity>;

struct ResourceRequirements {
  ResourceList limits;
  ResourceList requests;
};

struct Capabilities {
  std::vector<std::string> add;
  std::vector<std::string> drop;
};

// Type: RuntimeDefault | Unconfined | Localhost (then localhostProfile names the file).
struct SeccompProfile {
  std::string type;
  std::optional<std::string> localhost_profile;
};

// Container-level securityContext.
struct SecurityContext {
  std::optional<Capabilities> capabilities;
  std::optional<bool> privileged;
  std::optional<std::int64_t> run_as_user;
  std::optional<std::int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::optional<bool> read_only_root_filesystem;
  std::optional<bool> allow_privilege_escalation;
  std::optional<SeccompProfile> seccomp_profile;
};

struct VolumeMount {
  std::string name;
  bool read_only = false;
  std::string mount_path;
  std::string sub_path;
};

struct ExecAction {
  std::vector<std::string> command;
};

// Only the exec handler is supported. Zero thresholds are replaced by the upstream defaults
// (timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3).
struct Probe {
  std::optional<ExecAction> exec;
  std::int32_t initial_delay_seconds = 0;
  std::int32_t timeout_seconds = 0;
  std::int32_t period_seconds = 0;
  std::int32_t success_threshold = 0;
  std::int32_t failure_threshold = 0;
};

struct Container {
  std::string name;
  std::string image;
  std::string image_pull_policy;  // Always | IfNotPresent | Never
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<EnvVar> env;
  std::string working_dir;
  ResourceRequirements resources;
  std::vector<VolumeMount> volume_mounts;
  std::optional<Probe> readiness_probe;
  std::string termination_message_path;
  std::string termination_message_policy;
  std::optional<SecurityContext> security_context;
};

struct HostPathVolumeSource {
  std::string path;
  // "" | DirectoryOrCreate | Directory | FileOrCreate | File | Socket | CharDevice |
  // BlockDevice; defaulted to "".
  std::optional<std::string> type;
};

struct EmptyDirVolumeSource {
  std::string medium;  // "" (node disk) | Memory
  std::optional<Quantity> size_limit;
};

// A volume without a source is defaulted to emptyDir {} (upstream SetDefaults_Volume).
struct Volume {
  std::string name;
  std::optional<HostPathVolumeSource> host_path;
  std::optional<EmptyDirVolumeSource> empty_dir;
};

// Pod-level securityContext; the API server defaults it to {} and shows it.
struct PodSecurityContext {
  std::optional<std::int64_t> run_as_user;
  std::optional<std::int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::vector<std::int64_t> supplemental_groups;
  std::optional<std::int64_t> fs_group;
  std::optional<SeccompProfile> seccomp_profile;
};

struct PodSpec {
  std::vector<Volume> volumes;
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  std::string restart_policy;  // Always | OnFailure | Never
  std::optional<std::int64_t> termination_grace_period_seconds;
  std::optional<std::int64_t> active_deadline_seconds;
  std::string dns_policy;  // ClusterFirst | ClusterFirstWithHostNet | Default | None
  Labels node_selector;
  std::string node_name;  // set on pods (the node they run on), never in a Job's template
  std::optional<PodSecurityContext> security_context;
  std::string hostname;
  std::string subdomain;
  std::string scheduler_name;
};

struct PodTemplateSpec {
  ObjectMeta metadata;
  PodSpec spec;
};

}  // namespace api
