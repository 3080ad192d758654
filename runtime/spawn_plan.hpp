// runtime/spawn_plan.hpp: the plan the spawning process prepares and the container's first
// process carries out (internal to the spawner; spawn.cpp builds it, spawn_child.cpp runs it).
//
// Contract: everything the child needs is computed before the clone: strings, mount operations,
// the seccomp program, ids and capability sets. The child may share the parent's memory
// (CLONE_VM) while the parent waits (CLONE_VFORK), so it only reads the plan, calls raw system
// calls and never allocates, locks or touches libc state shared with other threads. When a step
// fails the child writes one ChildReport (the numbered step, the index of the operation, errno)
// to `report_fd` and exits; the parent turns it into a precise error.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "runtime/capabilities.hpp"
#include "runtime/container_spec.hpp"

namespace runtime::detail {

// The numbered points of the child's script, in the order it passes them.
enum class ChildStep : std::uint32_t {
  wait_for_id_maps = 1,
  make_mounts_private,
  mount_rootfs,
  open_rootfs,
  mount_op,  // ChildReport::index says which MountOp
  set_hostname,
  pivot_root,
  detach_old_root,
  read_only_root,
  chdir_cwd,
  setsid,
  stdio,
  rlimit,  // index: which rlimit
  bounding_set,
  no_new_privs,
  seccomp,
  keep_caps,
  setgroups,
  setgid,
  setuid,
  parent_death_signal,
  capset,
  ambient,
  signals,
  close_fds,
  exec,         // execve of a path failed
  exec_lookup,  // no PATH entry held the program
  // Exec into a running container (runtime/container_exec.hpp), in the relay process:
  join_namespaces,  // setns on the container's pidfd
  fork_program,     // clone3 of the program's process into the container's pid namespace
};

struct ChildReport {
  std::uint32_t step = 0;
  std::int32_t index = -1;
  std::int32_t err = 0;
};

enum class OpKind : std::uint8_t {
  mount_fs,   // mount(source, target, fstype, flags, data)
  bind,       // bind-mount host path `source` (recursively), read-only when read_only
  symlink,    // a symlink named `fstype` in directory `target`, pointing to `source`
  mask,       // hide target: /dev/null over a file, an empty read-only tmpfs over a directory
  read_only,  // bind target onto itself, read-only
  detach,     // lazily unmount what is mounted on target (the host's /proc, /dev, /sys)
};

struct MountOp {
  OpKind kind = OpKind::mount_fs;
  const char* source = nullptr;
  const char* target = nullptr;  // absolute path inside the container
  const char* fstype = nullptr;
  unsigned long flags = 0;
  const char* data = nullptr;
  bool target_is_file = false;  // create a file, not a directory, when the target is missing
  bool read_only = false;
  bool optional = false;  // skip when the target does not exist (masks, read-only paths)
  // mount_fs: when the kernel refuses the mount (EPERM: sysfs in a user namespace that does not
  // own the network namespace), bind this host path recursively instead.
  const char* fallback_bind = nullptr;
};

struct ChildPlan {
  RootfsSpec::Kind rootfs_kind = RootfsSpec::Kind::directory;
  const char* rootfs_source = nullptr;  // host: "/"; directory: the directory; overlay: "overlay"
  const char* rootfs_mount_point = nullptr;
  const char* overlay_options = nullptr;
  bool read_only_root = false;

  const MountOp* ops = nullptr;
  std::size_t op_count = 0;

  const char* hostname = nullptr;  // nullptr: keep
  const char* cwd = "/";

  const char* program = nullptr;     // argv[0]
  const char* path_value = nullptr;  // the PATH searched when program has no '/'
  char* const* argv = nullptr;
  char* const* envp = nullptr;

  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int report_fd = -1;

  const Rlimit* rlimits = nullptr;
  std::size_t rlimit_count = 0;

  uid_t uid = 0;
  gid_t gid = 0;
  const gid_t* groups = nullptr;
  std::size_t group_count = 0;

  CapabilitySet capabilities = 0;
  int last_capability = 0;
  bool no_new_privs = true;
  const sock_filter* seccomp = nullptr;  // nullptr: no filter
  std::size_t seccomp_length = 0;

  const int* signals_to_default = nullptr;  // dispositions that are not SIG_DFL in the parent
  std::size_t signal_count = 0;

  // Rootless: the child waits for one byte on report_fd (the parent has written its uid and
  // gid maps by then) and does not call setgroups (denied with a single-id mapping).
  bool wait_for_id_maps = false;
  bool skip_setgroups = false;
  int parent_death_signal = 0;  // set once the ids are the program's (0: none)
};

// The child's script. Does not return on success (the program is exec'd); after a failure it
// has reported it and returns the exit status for the child.
int run_child(const ChildPlan& plan);

// Reports a failed step on plan.report_fd (errno unless `err` is given); returns the exit
// status for the failed process.
int report_failure(const ChildPlan& plan, ChildStep step, int index = -1, int err = errno);

// Steps 6 onwards of run_child (session, stdio, limits, privileges, exec), for a process that
// already stands in the container's filesystem at plan.cwd.
int run_program(const ChildPlan& plan);

}  // namespace runtime::detail
