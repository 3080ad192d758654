// runtime/spawn.cpp: see spawn.hpp. Builds the child's plan (spawn_plan.hpp) from the spec,
// clones the container's first process straight into its namespaces and cgroup, and turns the
// child's report into a precise error.
#include "runtime/spawn.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "runtime/program_plan.hpp"
#include "runtime/rootfs_user.hpp"
#include "runtime/spawn_failure.hpp"
#include "runtime/spawn_plan.hpp"

// x86-64: clone3 with CLONE_VM needs the child to start on its own stack, which no libc wrapper
// offers for clone3; this trampoline calls fn(arg) there and exits with its result. Sharing the
// parent's memory saves copying its page tables (the largest cost of a spawn on this VM, see
// ../shared/notes/runtime-anchors.md). Sanitizer builds and other architectures clone like fork.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define BATCHLET_CLONE_VM 1
extern "C" long batchlet_clone3_on_stack(clone_args* args, std::size_t size, int (*fn)(void*),
                                         void* arg);
asm(R"ASM(
  .text
  .globl batchlet_clone3_on_stack
  .type batchlet_clone3_on_stack,@function
batchlet_clone3_on_stack:
  .cfi_startproc
  mov %rdx, %r8
  mov %rcx, %r9
  mov $435, %eax
  syscall
  test %rax, %rax
  jnz 1f
  .cfi_undefined rip
  xor %ebp, %ebp
  mov %r9, %rdi
  and $-16, %rsp
  call *%r8
  mov %eax, %edi
  mov $60, %eax
  syscall
  hlt
1:
  ret
  .cfi_endproc
  .size batchlet_clone3_on_stack, .-batchlet_clone3_on_stack
)ASM");
#else
#define BATCHLET_CLONE_VM 0
#endif

namespace runtime {
namespace {

using detail::ChildPlan;
using detail::ChildReport;
using detail::ChildStep;
using detail::MountOp;
using detail::OpKind;

// runc's defaults (libcontainer/specconv Example(), containerd's populateDefaultUnixSpec).
constexpr const char* kMaskedPaths[] = {
    "/proc/acpi",        "/proc/asound",        "/proc/interrupts", "/proc/kcore",
    "/proc/keys",        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
    "/proc/sched_debug", "/proc/scsi",          "/sys/firmware",    "/sys/devices/virtual/powercap",
};
constexpr const char* kReadOnlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
constexpr const char* kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

SpawnError config_error(base::Error e) { return SpawnError{SpawnStage::config, std::move(e)}; }
SpawnError create_error(base::Error e) { return SpawnError{SpawnStage::create, std::move(e)}; }

// Owns every string and array the child's plan points into.
class PlanBuilder {
 public:
  const char* keep(std::string s) { return strings_.emplace_back(std::move(s)).c_str(); }

  void fs(const char* source, const std::string& target, const char* fstype, unsigned long flags,
          const char* data) {
    MountOp op;
    op.kind = OpKind::mount_fs;
    op.source = source;
    op.target = keep(target);
    op.fstype = fstype;
    op.flags = flags;
    op.data = data;
    ops_.push_back(op);
  }
  void bind(const std::string& source, const std::string& target, bool is_file, bool read_only) {
    MountOp op;
    op.kind = OpKind::bind;
    op.source = keep(source);
    op.target = keep(target);
    op.target_is_file = is_file;
    op.read_only = read_only;
    ops_.push_back(op);
  }
  void symlink(const char* link_target, const char* dir, const char* name) {
    MountOp op;
    op.kind = OpKind::symlink;
    op.source = link_target;
    op.target = dir;
    op.fstype = name;
    ops_.push_back(op);
  }
  void optional_op(OpKind kind, const char* target) {
    MountOp op;
    op.kind = kind;
    op.target = target;
    op.optional = true;
    ops_.push_back(op);
  }

  std::vector<MountOp>& ops() { return ops_; }

 private:
  std::deque<std::string> strings_;
  std::vector<MountOp> ops_;
};

base::Status check_directory(const std::filesystem::path& dir, std::string_view what) {
  struct stat st {};
  std::string context(what);
  context += ' ';
  context += dir.string();
  if (dir.empty() || dir.is_relative()) return base::Error(context + ": not an absolute path");
  if (::stat(dir.c_str(), &st) != 0) return base::Error::from_errno(context, errno);
  if (!S_ISDIR(st.st_mode)) return base::Error::from_errno(context, ENOTDIR);
  return {};
}

base::Status check_rootfs(const RootfsSpec& rootfs) {
  switch (rootfs.kind) {
    case RootfsSpec::Kind::host:
      return {};
    case RootfsSpec::Kind::directory:
      return check_directory(rootfs.directory, "rootfs");
    case RootfsSpec::Kind::overlay:
      if (rootfs.lower_dirs.empty()) return base::Error("rootfs: overlay without layers");
      for (const auto& dir : rootfs.lower_dirs) {
        if (auto s = check_directory(dir, "rootfs layer"); !s) return s;
      }
      if (auto s = check_directory(rootfs.upper_dir, "rootfs upper dir"); !s) return s;
      return check_directory(rootfs.work_dir, "rootfs work dir");
  }
  return {};
}

// Overlay mount options escape ',' and ':' inside paths as the kernel's parser expects.
std::string overlay_path(const std::filesystem::path& p) {
  std::string out;
  for (char c : p.string()) {
    if (c == ',' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

base::Status write_text(const std::string& file, const std::string& text) {
  base::UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid() || ::write(fd.get(), text.data(), text.size()) != ssize_t(text.size())) {
    return base::Error::from_errno("write " + file, errno);
  }
  return {};
}

// One id each: the container's uid and gid are ours outside. setgroups must be denied before
// an unprivileged process may write a gid map.
base::Status write_id_maps(pid_t pid, std::uint32_t uid, std::uint32_t gid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  if (auto s = write_text(proc + "/uid_map",
                          std::to_string(uid) + " " + std::to_string(::geteuid()) + " 1\n");
      !s) {
    return s;
  }
  if (auto s = write_text(proc + "/setgroups", "deny"); !s) return s;
  return write_text(proc + "/gid_map",
                    std::to_string(gid) + " " + std::to_string(::getegid()) + " 1\n");
}

#if BATCHLET_CLONE_VM
struct ChildStack {
  void* base = MAP_FAILED;
  std::size_t size = 0;
  ~ChildStack() {
    if (base != MAP_FAILED) ::munmap(base, size);
  }
};

int child_entry(void* arg) { return detail::run_child(*static_cast<const ChildPlan*>(arg)); }
#endif

}  // namespace

SpawnResult spawn_container(const ContainerSpec& spec, const ContainerStdio& stdio) {
  if (spec.argv.empty() || spec.argv.front().empty()) {
    return create_error(base::Error("spawn: no command given"));
  }
  if (auto s = check_rootfs(spec.rootfs); !s) return create_error(s.error());
  if (spec.rootfs.kind != RootfsSpec::Kind::directory && !spec.rootfs.mount_point.empty()) {
    if (auto s = check_directory(spec.rootfs.mount_point, "rootfs mount point"); !s) {
      return create_error(s.error());
    }
  }
  // Rootless: a user namespace mapping the container's uid and gid onto ours (one id each).
  const bool rootless = ::geteuid() != 0;
  detail::ProgramPlan program;
  if (auto s = program.prepare(spec, spec.argv, rootless); !s) return create_error(s.error());
  const ResolvedUser& user = program.user();
  if (spec.run_as_non_root && user.uid == 0) {
    return config_error(base::Error("container has runAsNonRoot and image will run as root"));
  }

  // The filesystem, in the order the child mounts it.
  PlanBuilder b;
  constexpr unsigned long kNoSuidDevExec = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (spec.rootfs.kind == RootfsSpec::Kind::host) {
    // The host's own trees go: the kernel refuses to stack a sysfs (or cgroup2) on the same
    // superblock's mount, and nothing of the host's /dev may show through.
    for (const char* path : {"/sys", "/proc", "/dev", "/run", "/tmp"}) {
      b.optional_op(OpKind::detach, path);
    }
  }
  b.fs("proc", "/proc", "proc", kNoSuidDevExec, nullptr);
  b.fs("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
  for (const char* dev : kDevices) {
    b.bind(std::string("/dev/") + dev, std::string("/dev/") + dev, true, false);
  }
  b.fs("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
       rootless ? "newinstance,ptmxmode=0666,mode=0620"  // gid 5 is not mapped
                : "newinstance,ptmxmode=0666,mode=0620,gid=5");
  b.symlink("pts/ptmx", "/dev", "ptmx");
  b.fs("shm", "/dev/shm", "tmpfs", kNoSuidDevExec, "mode=1777,size=65536k");
  b.fs("mqueue", "/dev/mqueue", "mqueue", kNoSuidDevExec, nullptr);
  b.symlink("/proc/self/fd", "/dev", "fd");
  b.symlink("/proc/self/fd/0", "/dev", "stdin");
  b.symlink("/proc/self/fd/1", "/dev", "stdout");
  b.symlink("/proc/self/fd/2", "/dev", "stderr");
  b.symlink("/proc/kcore", "/dev", "core");
  b.fs("sysfs", "/sys", "sysfs", kNoSuidDevExec | (spec.privileged ? 0 : MS_RDONLY), nullptr);
  b.ops().back().fallback_bind = "/sys";
  b.fs("cgroup2", "/sys/fs/cgroup", "cgroup2", kNoSuidDevExec | (spec.privileged ? 0 : MS_RDONLY),
       nullptr);
  if (spec.rootfs.kind == RootfsSpec::Kind::host) {
    b.fs("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    b.fs("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755");
  }
  for (const auto& m : spec.mounts) {
    if (m.destination.is_relative()) {
      return create_error(base::Error("mount destination " + in_quotes(m.destination.string()) +
                                      ": not an absolute path"));
    }
    if (m.kind == MountSpec::Kind::tmpfs) {
      std::string data = "mode=1777";
      if (m.tmpfs_size_bytes) data += ",size=" + std::to_string(*m.tmpfs_size_bytes);
      b.fs("tmpfs", m.destination.string(), "tmpfs",
           MS_NOSUID | MS_NODEV | (m.read_only ? MS_RDONLY : 0), b.keep(data));
      continue;
    }
    struct stat st {};
    if (::stat(m.source.c_str(), &st) != 0) {
      return create_error(base::Error::from_errno("bind mount source " + m.source.string(), errno));
    }
    b.bind(m.source.string(), m.destination.string(), !S_ISDIR(st.st_mode), m.read_only);
  }
  if (!spec.privileged) {
    for (const char* path : kMaskedPaths) b.optional_op(OpKind::mask, path);
    for (const char* path : kReadOnlyPaths) b.optional_op(OpKind::read_only, path);
  }

  ChildPlan plan;
  plan.rootfs_kind = spec.rootfs.kind;
  const std::string mount_point =
      spec.rootfs.kind == RootfsSpec::Kind::directory
          ? spec.rootfs.directory.string()
          : (spec.rootfs.mount_point.empty() ? std::string("/tmp")
                                             : spec.rootfs.mount_point.string());
  plan.rootfs_mount_point = mount_point.c_str();
  std::string overlay_options;
  switch (spec.rootfs.kind) {
    case RootfsSpec::Kind::host:
      plan.rootfs_source = "/";
      break;
    case RootfsSpec::Kind::directory:
      plan.rootfs_source = plan.rootfs_mount_point;
      break;
    case RootfsSpec::Kind::overlay:
      plan.rootfs_source = "overlay";
      overlay_options = "lowerdir=";
      for (std::size_t i = 0; i < spec.rootfs.lower_dirs.size(); ++i) {
        if (i != 0) overlay_options += ':';
        overlay_options += overlay_path(spec.rootfs.lower_dirs[i]);
      }
      overlay_options += ",upperdir=" + overlay_path(spec.rootfs.upper_dir);
      overlay_options += ",workdir=" + overlay_path(spec.rootfs.work_dir);
      plan.overlay_options = overlay_options.c_str();
      break;
  }
  plan.read_only_root = spec.rootfs.read_only;
  plan.ops = b.ops().data();
  plan.op_count = b.ops().size();
  plan.hostname = spec.hostname.empty() ? nullptr : spec.hostname.c_str();

  // Descriptors: the caller's stdio duplicated above 2 (so dup2 onto 0..2 cannot clobber one
  // another), and the report channel. All close-on-exec.
  base::UniqueFd null_fd;
  int in_fd = stdio.in;
  if (in_fd < 0) {
    null_fd.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_fd.valid()) return create_error(base::Error::from_errno("open /dev/null", errno));
    in_fd = null_fd.get();
  }
  std::array<base::UniqueFd, 3> std_fds;
  const int given[3] = {in_fd, stdio.out, stdio.err};
  for (int i = 0; i < 3; ++i) {
    std_fds[i].reset(::fcntl(given[i], F_DUPFD_CLOEXEC, 3));
    if (!std_fds[i].valid()) {
      return create_error(
          base::Error::from_errno("spawn: stdio descriptor " + std::to_string(given[i]), errno));
    }
  }
  plan.stdin_fd = std_fds[0].get();
  plan.stdout_fd = std_fds[1].get();
  plan.stderr_fd = std_fds[2].get();
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return create_error(base::Error::from_errno("spawn: socketpair", errno));
  }
  base::UniqueFd report_read(sv[0]);
  base::UniqueFd report_write(sv[1]);
  plan.report_fd = report_write.get();

  base::UniqueFd cgroup_fd;
  if (!spec.cgroup_dir.empty()) {
    cgroup_fd.reset(::open(spec.cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cgroup_fd.valid()) {
      return create_error(
          base::Error::from_errno("open cgroup " + spec.cgroup_dir.string(), errno));
    }
  }

  // No signal handler may run in the child while it shares our memory: block everything
  // around the clone; the child resets the dispositions we changed and unblocks before exec.
  sigset_t all, saved_mask;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved_mask);
  program.fill(plan);
  plan.wait_for_id_maps = rootless;

  int pidfd = -1;
  clone_args args{};
  args.flags = CLONE_PIDFD | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
               CLONE_NEWCGROUP | (spec.host_network ? 0 : CLONE_NEWNET) |
               (rootless ? CLONE_NEWUSER : 0);
  args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (cgroup_fd.valid()) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<std::uint64_t>(cgroup_fd.get());
  }
  long pid;
  int clone_errno = 0;
#if BATCHLET_CLONE_VM
  ChildStack stack;
  if (rootless) {
    // The child must wait for its id maps while we write them: no CLONE_VFORK, so no CLONE_VM.
    pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) ::_exit(detail::run_child(plan));
    if (pid < 0) clone_errno = errno;
  } else {
    stack.size = 256 * 1024;
    stack.base = ::mmap(nullptr, stack.size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
    if (stack.base == MAP_FAILED) {
      ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
      return create_error(base::Error::from_errno("spawn: allocate child stack", errno));
    }
    args.flags |= CLONE_VM | CLONE_VFORK;
    args.stack = reinterpret_cast<std::uint64_t>(stack.base);
    args.stack_size = stack.size;
    pid = batchlet_clone3_on_stack(&args, sizeof args, child_entry, &plan);
    if (pid < 0) clone_errno = static_cast<int>(-pid);
  }
#else
  pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) ::_exit(detail::run_child(plan));
  if (pid < 0) clone_errno = errno;
#endif
  ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  if (pid < 0) {
    std::string what = "clone3";
    if (!spec.cgroup_dir.empty()) what += " into cgroup " + spec.cgroup_dir.string();
    return create_error(base::Error::from_errno(what, clone_errno));
  }

  Container container(static_cast<pid_t>(pid), base::UniqueFd(pidfd), std::move(cgroup_fd));
  if (rootless) {
    if (auto s = write_id_maps(static_cast<pid_t>(pid), user.uid, user.gid); !s) {
      return create_error(s.error());  // ~Container kills and reaps the waiting child
    }
    if (::send(report_read.get(), "g", 1, MSG_NOSIGNAL) != 1) {
      return create_error(base::Error::from_errno("spawn: release the child", errno));
    }
  }
  // The child's copy of the write end closes at exec (or exit): EOF means the program runs.
  report_write.reset();
  ChildReport report;
  ssize_t n;
  do {
    n = ::recv(report_read.get(), &report, sizeof report, 0);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof report)) {
    (void)container.wait();
    return SpawnError{SpawnStage::start, child_step_error(report, spec, plan)};
  }
  if (n < 0) {
    const int err = errno;
    (void)container.kill_all();
    (void)container.wait();
    return create_error(base::Error::from_errno("spawn: read child report", err));
  }
  return container;
}

// --- Container ---------------------------------------------------------------------------

Container::~Container() {
  if (pid_ > 0) {
    (void)kill_all();
    (void)wait();
  }
}

Container& Container::operator=(Container&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) {
      (void)kill_all();
      (void)wait();
    }
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    cgroup_fd_ = std::move(other.cgroup_fd_);
  }
  return *this;
}

base::Status Container::signal(int sig) const {
  if (pid_ <= 0) return base::Error("signal container: it was already reaped");
  if (::syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0) != 0 && errno != ESRCH) {
    return base::Error::from_errno("signal container " + std::to_string(pid_), errno);
  }
  return {};
}

base::Status Container::kill_all() const {
  if (cgroup_fd_.valid()) {
    base::UniqueFd kill_fd(::openat(cgroup_fd_.get(), "cgroup.kill", O_WRONLY | O_CLOEXEC));
    if (kill_fd.valid() && ::write(kill_fd.get(), "1", 1) == 1) return {};
    // No cgroup.kill (kernel < 5.14): killing init takes the pid namespace with it.
  }
  return signal(SIGKILL);
}

base::Result<std::optional<base::ProcessExit>> Container::try_wait() {
  if (pid_ <= 0) return base::Error("wait: the container was already reaped");
  siginfo_t info{};
  if (::waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED | WNOHANG) != 0) {
    return base::Error::from_errno("waitid " + std::to_string(pid_), errno);
  }
  if (info.si_pid == 0) return std::optional<base::ProcessExit>();
  pid_ = -1;
  base::ProcessExit exit;
  if (info.si_code == CLD_EXITED) {
    exit.exit_code = info.si_status;
  } else {
    exit.signal = info.si_status;
  }
  return std::optional<base::ProcessExit>(exit);
}

base::Result<base::ProcessExit> Container::wait() {
  if (pid_ <= 0) return base::Error("wait: the container was already reaped");
  siginfo_t info{};
  int rc;
  do {
    rc = ::waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return base::Error::from_errno("waitid " + std::to_string(pid_), errno);
  pid_ = -1;
  base::ProcessExit exit;
  if (info.si_code == CLD_EXITED) {
    exit.exit_code = info.si_status;
  } else {
    exit.signal = info.si_status;
  }
  return exit;
}

base::Result<base::ProcessExit> Container::stop(std::chrono::nanoseconds grace) {
  if (pid_ <= 0) return base::Error("stop: the container was already reaped");
  if (grace.count() > 0) {
    if (auto s = signal(SIGTERM); !s) return s.error();
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{pidfd_.get(), POLLIN, 0};
      const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
      if (rc > 0) return wait();
      if (rc < 0 && errno != EINTR) return base::Error::from_errno("poll pidfd", errno);
    }
  }
  if (auto s = kill_all(); !s) return s.error();
  return wait();
}

base::UniqueFd Container::release_pidfd() {
  pid_ = -1;
  cgroup_fd_.reset();
  return std::move(pidfd_);
}

}  // namespace runtime
