// runtime/spawn_child.cpp: the container's first process, from clone to exec, as one linear
// script (the shape of crun's libcrun/linux.c). See spawn_plan.hpp for the rules this code
// lives under: no allocation, no locks, raw system calls only (glibc's setuid family would
// signal the parent's threads), every failure reported as a numbered step.
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "runtime/spawn_plan.hpp"

namespace runtime::detail {
namespace {

int fail(const ChildPlan& plan, ChildStep step, int index = -1, int err = errno) {
  return report_failure(plan, step, index, err);
}

int open_in_root(int root_fd, const char* path, int flags, mode_t mode = 0) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, root_fd, path, &how, sizeof how));
}

// "/proc/self/fd/<fd>": how mount(2) reaches a target resolved safely inside the rootfs.
struct FdPath {
  char text[32];
  explicit FdPath(int fd) {
    char digits[12];
    int n = 0;
    unsigned v = static_cast<unsigned>(fd);
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    std::memcpy(text, "/proc/self/fd/", 14);
    int pos = 14;
    while (n > 0) text[pos++] = digits[--n];
    text[pos] = '\0';
  }
};

// Opens `path` (inside the rootfs) as O_PATH, creating it and its missing parents: directories,
// or a regular file as the last component when `is_file`. Symlinks resolve inside the rootfs,
// so an image cannot make a mount land on the host; a dangling symlink on the way (an image's
// /etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf) gets its target created, as runc
// does. -1 with errno on failure.
int ensure_in_root(int root_fd, const char* path, bool is_file, int depth = 0) {
  if (depth > 8) {
    errno = ELOOP;
    return -1;
  }
  int fd = open_in_root(root_fd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT) return fd;
  char buf[PATH_MAX];
  const std::size_t len = std::strlen(path);
  if (len >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(buf, path, len + 1);
  std::size_t start = 0;
  while (start < len) {
    while (start < len && buf[start] == '/') ++start;
    if (start >= len) break;
    std::size_t end = start;
    while (end < len && buf[end] != '/') ++end;
    const bool last = end >= len;
    const char saved = buf[end];
    buf[end] = '\0';
    int probe = open_in_root(root_fd, buf, O_PATH);
    if (probe >= 0) {
      ::close(probe);
    } else if (errno == ENOENT) {
      // The parent exists (made in the previous round): create this component in it.
      char saved_start = buf[start];
      buf[start] = '\0';
      int parent = open_in_root(root_fd, start == 0 ? "/" : buf, O_PATH | O_DIRECTORY);
      buf[start] = saved_start;
      if (parent < 0) return -1;
      struct stat st {};
      if (::fstatat(parent, buf + start, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        // Follow the dangling link: <its target>/<the rest of path>, resolved in the rootfs.
        char link[PATH_MAX];
        const ssize_t n = ::readlinkat(parent, buf + start, link, sizeof link - 1);
        ::close(parent);
        if (n <= 0) return -1;
        link[n] = '\0';
        char next[PATH_MAX];
        const std::size_t prefix = link[0] == '/' ? 0 : start;
        const std::size_t rest = len - end;
        if (prefix + static_cast<std::size_t>(n) + rest >= sizeof next) {
          errno = ENAMETOOLONG;
          return -1;
        }
        std::memcpy(next, buf, prefix);
        std::memcpy(next + prefix, link, static_cast<std::size_t>(n));
        std::memcpy(next + prefix + n, path + end, rest + 1);
        return ensure_in_root(root_fd, next, is_file, depth + 1);
      }
      int rc;
      if (last && is_file) {
        rc = ::openat(parent, buf + start, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                      0644);
        if (rc >= 0) ::close(rc);
      } else {
        rc = ::mkdirat(parent, buf + start, 0755);
      }
      const int saved_errno = errno;
      ::close(parent);
      if (rc < 0 && saved_errno != EEXIST) {
        errno = saved_errno;
        return -1;
      }
    } else {
      return -1;
    }
    buf[end] = saved;
    start = end;
  }
  return open_in_root(root_fd, path, O_PATH);
}

int set_read_only(int root_fd, const char* path, bool recursive) {
  int fd = open_in_root(root_fd, path, O_PATH);
  if (fd < 0) return -1;
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  const unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  const int rc = static_cast<int>(::syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof attr));
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return rc;
}

// One mount operation inside the rootfs; -1 with errno on failure.
int apply(int root_fd, const MountOp& op) {
  if (op.kind == OpKind::symlink) {
    int dir = ensure_in_root(root_fd, op.target, false);
    if (dir < 0) return -1;
    // O_PATH directory fds work as the dirfd of symlinkat.
    int rc = ::symlinkat(op.source, dir, op.fstype);
    const int saved = errno;
    ::close(dir);
    if (rc < 0 && saved != EEXIST) {
      errno = saved;
      return -1;
    }
    return 0;
  }
  int fd = op.optional ? open_in_root(root_fd, op.target, O_PATH)
                       : ensure_in_root(root_fd, op.target, op.target_is_file);
  if (fd < 0) return (op.optional && errno == ENOENT) ? 0 : -1;
  const FdPath at(fd);
  int rc = 0;
  switch (op.kind) {
    case OpKind::mount_fs:
      rc = ::mount(op.source, at.text, op.fstype, op.flags, op.data);
      if (rc != 0 && errno == EPERM && op.fallback_bind != nullptr) {
        rc = ::mount(op.fallback_bind, at.text, nullptr, MS_BIND | MS_REC, nullptr);
        if (rc == 0 && (op.flags & MS_RDONLY) != 0) rc = set_read_only(root_fd, op.target, true);
      }
      break;
    case OpKind::bind:
      rc = ::mount(op.source, at.text, nullptr, MS_BIND | MS_REC, nullptr);
      if (rc == 0 && op.read_only) rc = set_read_only(root_fd, op.target, true);
      break;
    case OpKind::mask: {
      struct stat st {};
      rc = ::fstat(fd, &st);
      if (rc == 0 && S_ISDIR(st.st_mode)) {
        rc = ::mount("tmpfs", at.text, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                     "size=0");
      } else if (rc == 0) {
        rc = ::mount("/dev/null", at.text, nullptr, MS_BIND, nullptr);
      }
      break;
    }
    case OpKind::read_only:
      rc = ::mount(at.text, at.text, nullptr, MS_BIND | MS_REC, nullptr);
      if (rc == 0) rc = set_read_only(root_fd, op.target, true);
      break;
    case OpKind::detach:
      rc = ::umount2(at.text, MNT_DETACH);
      if (rc != 0 && errno == EINVAL) rc = 0;  // nothing mounted there
      break;
    case OpKind::symlink:
      break;
  }
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return rc;
}

int sys_pivot_root(const char* new_root, const char* put_old) {
  return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}

// execve of `program`, searching `path_value` like execvp when it has no '/'. Returns only on
// failure, with the step to report and errno set.
ChildStep exec_program(const ChildPlan& plan) {
  if (std::strchr(plan.program, '/') != nullptr) {
    ::execve(plan.program, plan.argv, plan.envp);
    return ChildStep::exec;
  }
  const std::size_t name_len = std::strlen(plan.program);
  const char* p = plan.path_value;
  char candidate[PATH_MAX];
  while (true) {
    const char* colon = std::strchr(p, ':');
    std::size_t dir_len = colon != nullptr ? static_cast<std::size_t>(colon - p) : std::strlen(p);
    const char* dir = p;
    if (dir_len == 0) {
      dir = ".";
      dir_len = 1;
    }
    if (dir_len + 1 + name_len < sizeof candidate) {
      std::memcpy(candidate, dir, dir_len);
      candidate[dir_len] = '/';
      std::memcpy(candidate + dir_len + 1, plan.program, name_len + 1);
      ::execve(candidate, plan.argv, plan.envp);
      // Like Go's LookPath (what runc reports through): files we may not run do not count.
      if (errno != ENOENT && errno != ENOTDIR && errno != EACCES && errno != ENAMETOOLONG) {
        return ChildStep::exec;
      }
    }
    if (colon == nullptr) break;
    p = colon + 1;
  }
  errno = ENOENT;
  return ChildStep::exec_lookup;
}

}  // namespace

int report_failure(const ChildPlan& plan, ChildStep step, int index, int err) {
  ChildReport report;
  report.step = static_cast<std::uint32_t>(step);
  report.index = index;
  report.err = err;
  (void)!::write(plan.report_fd, &report, sizeof report);
  return 127;
}

int run_child(const ChildPlan& plan) {
  // 0. Rootless: nothing below works before the parent has mapped our ids.
  if (plan.wait_for_id_maps) {
    char go = 0;
    ssize_t n;
    do {
      n = ::recv(plan.report_fd, &go, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n != 1) return fail(plan, ChildStep::wait_for_id_maps, -1, n == 0 ? EPIPE : errno);
  }

  // 1. Nothing mounted from here on may propagate back to the host.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return fail(plan, ChildStep::make_mounts_private);
  }

  // 2. The root filesystem, mounted on its mount point.
  int rc = 0;
  switch (plan.rootfs_kind) {
    case RootfsSpec::Kind::host:
    case RootfsSpec::Kind::directory:
      rc = ::mount(plan.rootfs_source, plan.rootfs_mount_point, nullptr, MS_BIND | MS_REC, nullptr);
      break;
    case RootfsSpec::Kind::overlay:
      rc = ::mount("overlay", plan.rootfs_mount_point, "overlay", 0, plan.overlay_options);
      break;
  }
  if (rc != 0) return fail(plan, ChildStep::mount_rootfs);
  const int root_fd = ::open(plan.rootfs_mount_point, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return fail(plan, ChildStep::open_rootfs);
  if (plan.rootfs_kind == RootfsSpec::Kind::host && set_read_only(root_fd, "/", true) != 0) {
    return fail(plan, ChildStep::read_only_root);
  }

  // 3. /proc, /dev, /sys, volumes, masked and read-only paths, in the plan's order.
  for (std::size_t i = 0; i < plan.op_count; ++i) {
    if (apply(root_fd, plan.ops[i]) != 0) return fail(plan, ChildStep::mount_op, int(i));
  }

  // 4. Identity of the UTS namespace.
  if (plan.hostname != nullptr && ::sethostname(plan.hostname, std::strlen(plan.hostname)) != 0) {
    return fail(plan, ChildStep::set_hostname);
  }

  // 5. Switch root: pivot_root(".", ".") stacks the old root under the new one; detaching it
  //    leaves only the container's tree in this mount namespace.
  if (::fchdir(root_fd) != 0 || sys_pivot_root(".", ".") != 0) {
    return fail(plan, ChildStep::pivot_root);
  }
  if (::umount2(".", MNT_DETACH) != 0 || ::chdir("/") != 0) {
    return fail(plan, ChildStep::detach_old_root);
  }
  ::close(root_fd);
  if (plan.read_only_root && plan.rootfs_kind != RootfsSpec::Kind::host) {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (::syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &attr, sizeof attr) != 0) {
      return fail(plan, ChildStep::read_only_root);
    }
  }
  if (::chdir(plan.cwd) != 0) return fail(plan, ChildStep::chdir_cwd);
  return run_program(plan);
}

int run_program(const ChildPlan& plan) {
  // 6. Process: its own session, stdio, limits.
  if (::setsid() < 0) return fail(plan, ChildStep::setsid);
  if (::dup2(plan.stdin_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 ||
      ::dup2(plan.stderr_fd, 2) < 0) {
    return fail(plan, ChildStep::stdio);
  }
  for (std::size_t i = 0; i < plan.rlimit_count; ++i) {
    const rlimit limit{static_cast<rlim_t>(plan.rlimits[i].soft),
                       static_cast<rlim_t>(plan.rlimits[i].hard)};
    if (::syscall(SYS_prlimit64, 0, plan.rlimits[i].resource, &limit, nullptr) != 0) {
      return fail(plan, ChildStep::rlimit, int(i));
    }
  }

  // 7. Privileges: bounding set (needs CAP_SETPCAP, so first), no_new_privs, then ids keeping
  //    the permitted set, then the capability sets. The seccomp filter goes last when
  //    no_new_privs allows loading it unprivileged, else while we still hold CAP_SYS_ADMIN.
  for (int cap = 0; cap <= plan.last_capability; ++cap) {
    if (!has_capability(plan.capabilities, cap) && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 &&
        errno != EINVAL) {
      return fail(plan, ChildStep::bounding_set, cap);
    }
  }
  if (plan.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return fail(plan, ChildStep::no_new_privs);
  }
  sock_fprog program{static_cast<unsigned short>(plan.seccomp_length),
                     const_cast<sock_filter*>(plan.seccomp)};
  if (plan.seccomp != nullptr && !plan.no_new_privs &&
      ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
    return fail(plan, ChildStep::seccomp);
  }
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return fail(plan, ChildStep::keep_caps);
  if (!plan.skip_setgroups && ::syscall(SYS_setgroups, plan.group_count, plan.groups) != 0) {
    return fail(plan, ChildStep::setgroups);
  }
  if (::syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) {
    return fail(plan, ChildStep::setgid);
  }
  if (::syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) {
    return fail(plan, ChildStep::setuid);
  }
  // After the id change, which clears it; the capset below only narrows and keeps it.
  if (plan.parent_death_signal != 0 &&
      ::prctl(PR_SET_PDEATHSIG, plan.parent_death_signal, 0, 0, 0) != 0) {
    return fail(plan, ChildStep::parent_death_signal);
  }
  // Effective = permitted = the container's set; inheritable and ambient empty (as containerd
  // asks of runc), so a non-root user's program starts with no effective capabilities.
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  data[0].effective = data[0].permitted = static_cast<std::uint32_t>(plan.capabilities);
  data[1].effective = data[1].permitted = static_cast<std::uint32_t>(plan.capabilities >> 32);
  if (::syscall(SYS_capset, &header, data) != 0) return fail(plan, ChildStep::capset);
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return fail(plan, ChildStep::ambient);
  }
  if (plan.seccomp != nullptr && plan.no_new_privs &&
      ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
    return fail(plan, ChildStep::seccomp);
  }

  // 8. A clean process image: default signal dispositions, no inherited descriptor beyond
  //    stdio (the report channel is close-on-exec and goes away with the exec).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (std::size_t i = 0; i < plan.signal_count; ++i) {
    ::sigaction(plan.signals_to_default[i], &dfl, nullptr);
  }
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    return fail(plan, ChildStep::close_fds);
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) return fail(plan, ChildStep::signals);

  // 9. The program.
  const ChildStep step = exec_program(plan);
  return fail(plan, step);
}

}  // namespace runtime::detail
