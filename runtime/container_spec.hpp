// runtime/container_spec.hpp: everything the runtime needs to start one container, in the
// runtime's own words (no Kubernetes types).
//
// Contract: a ContainerSpec is plain data. The agent fills it from a pod (mapping Kubernetes
// fields onto it the way the kubelet maps them onto an OCI spec); the spawner turns it into a
// process; the shim receives it serialised (runtime/container_spec_json.hpp, when it exists) in
// the container's state directory. Every path is absolute on the host unless said otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runtime {

// Where the container's root filesystem comes from.
struct RootfsSpec {
  enum class Kind {
    host,      // the host's "/" bind-mounted read-only, private /tmp, /run, /dev/shm
    overlay,   // overlayfs of image layers + per-container upper/work dirs
    directory  // an existing directory used as is (tests, unpacked bundles)
  };
  Kind kind = Kind::host;
  std::vector<std::filesystem::path> lower_dirs;  // overlay: top-most layer first
  std::filesystem::path upper_dir;                // overlay: writable layer
  std::filesystem::path work_dir;                 // overlay: overlayfs workdir
  std::filesystem::path directory;                // directory: the rootfs
  bool read_only = false;                         // readOnlyRootFilesystem
  // overlay and host: an existing directory the rootfs is mounted on. The mount happens only in
  // the container's own mount namespace (the host never sees it), so many containers may share
  // one; empty: /tmp. (directory: the directory itself is the mount point.)
  std::filesystem::path mount_point;
};

// A bind or tmpfs mount inside the container (volumes, /etc/hosts and friends).
struct MountSpec {
  enum class Kind { bind, tmpfs };
  Kind kind = Kind::bind;
  std::filesystem::path source;       // bind: host path
  std::filesystem::path destination;  // path inside the container
  bool read_only = false;
  std::optional<std::uint64_t> tmpfs_size_bytes;  // tmpfs: sizeLimit
};

struct SeccompSpec {
  enum class Kind { runtime_default, unconfined, localhost };
  Kind kind = Kind::runtime_default;
  std::filesystem::path localhost_profile;  // localhost: an OCI-format JSON profile file
};

struct Rlimit {
  int resource = 0;  // RLIMIT_* number
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};

struct ContainerSpec {
  std::string id;  // unique on the host; names state dirs and cgroup leaves

  // Process
  std::vector<std::string> argv;  // argv[0] resolved in the container's PATH when it has no '/'
  std::vector<std::string> env;   // "NAME=value", exactly what the process sees
  std::filesystem::path cwd = "/";
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::vector<std::uint32_t> supplementary_groups;
  std::optional<std::string> user_name;  // resolved in the rootfs' /etc/passwd when set
  bool run_as_non_root = false;          // refuse to start when the effective uid is 0

  // Namespaces and identity
  std::string hostname;
  bool host_network = true;  // default: the host network (no new net namespace)

  // Filesystem
  RootfsSpec rootfs;
  std::vector<MountSpec> mounts;

  // Security
  bool privileged = false;
  std::vector<std::string> capabilities_add;   // "CAP_NET_ADMIN" or "NET_ADMIN"
  std::vector<std::string> capabilities_drop;  // "ALL" drops everything before adds
  SeccompSpec seccomp;
  bool no_new_privs = true;  // false when allowPrivilegeEscalation: true
  std::vector<Rlimit> rlimits;

  // Placement and outputs
  std::filesystem::path cgroup_dir;                // empty: stay in the caller's cgroup
  std::filesystem::path log_path;                  // CRI-format log file
  std::filesystem::path termination_message_path;  // inside the container; empty: none
  std::chrono::nanoseconds stop_grace_period = std::chrono::seconds(30);
};

}  // namespace runtime
