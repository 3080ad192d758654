#include "runtime/spawn_failure.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <iterator>
#include <string>

namespace runtime {

namespace {

using detail::ChildPlan;
using detail::ChildReport;
using detail::ChildStep;
using detail::MountOp;
using detail::OpKind;

std::string rlimit_name(int resource) {
  static const char* const names[] = {
      "RLIMIT_CPU",      "RLIMIT_FSIZE", "RLIMIT_DATA",   "RLIMIT_STACK",
      "RLIMIT_CORE",     "RLIMIT_RSS",   "RLIMIT_NPROC",  "RLIMIT_NOFILE",
      "RLIMIT_MEMLOCK",  "RLIMIT_AS",    "RLIMIT_LOCKS",  "RLIMIT_SIGPENDING",
      "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO", "RLIMIT_RTTIME"};
  if (resource >= 0 && resource < int(std::size(names))) return names[resource];
  return "resource " + std::to_string(resource);
}

std::string describe_op(const MountOp& op) {
  switch (op.kind) {
    case OpKind::mount_fs:
      return "mount " + std::string(op.fstype) + " on " + op.target;
    case OpKind::bind:
      return "bind mount " + std::string(op.source) + " on " + op.target;
    case OpKind::symlink:
      return "symlink " + std::string(op.target) + "/" + op.fstype;
    case OpKind::mask:
      return std::string("mask ") + op.target;
    case OpKind::read_only:
      return "make " + std::string(op.target) + " read-only";
    case OpKind::detach:
      return "unmount " + std::string(op.target);
  }
  return "mount";
}

}  // namespace

std::string in_quotes(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

base::Error child_step_error(const ChildReport& r, const ContainerSpec& spec,
                             const ChildPlan& plan) {
  const int err = r.err;
  switch (static_cast<ChildStep>(r.step)) {
    case ChildStep::wait_for_id_maps:
      return base::Error::from_errno("wait for the user namespace's id maps", err);
    case ChildStep::make_mounts_private:
      return base::Error::from_errno("make mounts private", err);
    case ChildStep::mount_rootfs:
      return base::Error::from_errno(
          "mount rootfs " + std::string(plan.rootfs_source) + " on " + plan.rootfs_mount_point,
          err);
    case ChildStep::open_rootfs:
      return base::Error::from_errno("open rootfs " + std::string(plan.rootfs_mount_point), err);
    case ChildStep::mount_op:
      if (r.index >= 0 && static_cast<std::size_t>(r.index) < plan.op_count) {
        auto e = base::Error::from_errno(describe_op(plan.ops[r.index]), err);
        if (err == EROFS && plan.rootfs_kind == RootfsSpec::Kind::host) {
          // The host's / is never written: a volume needs a mount point that exists there.
          return base::Error(e.message() + " (the host rootfs is read-only: the mount point " +
                             plan.ops[r.index].target + " must exist on the host)");
        }
        return e;
      }
      return base::Error::from_errno("mount", err);
    case ChildStep::set_hostname:
      return base::Error::from_errno("sethostname " + in_quotes(spec.hostname), err);
    case ChildStep::pivot_root:
      return base::Error::from_errno("pivot_root", err);
    case ChildStep::detach_old_root:
      return base::Error::from_errno("unmount old root", err);
    case ChildStep::read_only_root:
      return base::Error::from_errno("make rootfs read-only", err);
    case ChildStep::chdir_cwd:
      return base::Error::from_errno("chdir " + in_quotes(spec.cwd.string()), err);
    case ChildStep::setsid:
      return base::Error::from_errno("setsid", err);
    case ChildStep::stdio:
      return base::Error::from_errno("set up stdio", err);
    case ChildStep::rlimit:
      return base::Error::from_errno("setrlimit " + rlimit_name(plan.rlimits[r.index].resource),
                                     err);
    case ChildStep::bounding_set:
      return base::Error::from_errno("drop capability " + std::to_string(r.index), err);
    case ChildStep::no_new_privs:
      return base::Error::from_errno("set no_new_privs", err);
    case ChildStep::seccomp:
      return base::Error::from_errno("load seccomp filter", err);
    case ChildStep::keep_caps:
      return base::Error::from_errno("keep capabilities", err);
    case ChildStep::setgroups:
      return base::Error::from_errno("setgroups", err);
    case ChildStep::setgid:
      return base::Error::from_errno("setgid " + std::to_string(plan.gid), err);
    case ChildStep::setuid:
      return base::Error::from_errno("setuid " + std::to_string(plan.uid), err);
    case ChildStep::capset:
      return base::Error::from_errno("capset", err);
    case ChildStep::ambient:
      return base::Error::from_errno("clear ambient capabilities", err);
    case ChildStep::signals:
      return base::Error::from_errno("reset signal mask", err);
    case ChildStep::close_fds:
      return base::Error::from_errno("close inherited descriptors", err);
    case ChildStep::exec:
      return base::Error::from_errno("exec " + in_quotes(plan.program), err);
    case ChildStep::exec_lookup:
      return base::Error("exec: " + in_quotes(plan.program) +
                         ": executable file not found in $PATH");
    case ChildStep::parent_death_signal:
      return base::Error::from_errno("set parent death signal", err);
    case ChildStep::join_namespaces:
      return base::Error::from_errno("join the container's namespaces", err);
    case ChildStep::fork_program:
      return base::Error::from_errno("start process in the container", err);
  }
  return base::Error::from_errno("container setup step " + std::to_string(r.step), err);
}

}  // namespace runtime
