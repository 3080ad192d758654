// cgroups/cgroup.hpp: a handle on one cgroup2 directory, and the kernel operations on it.
//
// Contract: a Cgroup holds an O_DIRECTORY descriptor of a directory inside a cgroup2 mount and
// does everything relative to it (openat, mkdirat, unlinkat). The first handle comes from
// open_root(), which checks with fstatfs that the directory is on cgroup2 (CGROUP2_SUPER_MAGIC);
// children are made only with names checked by is_valid_name() (no '/', no "..", no
// interface-file look-alikes) and opened only by single path components other than "." and "..",
// so no call can wander out of the cgroup2 mount, e.g. into the v1 hierarchies of a hybrid host.
//
// Ownership (RAII): a handle made by make_child() owns its directory: destroying it kills what
// still runs inside (cgroup.kill), waits for it to empty and removes the subtree leaf-first.
// release() gives the directory up (it outlives the handle; recover() finds it again);
// open_child() and open_root() never own. Destructor failures are logged, never thrown;
// callers that need the error call destroy().
//
// Errors carry the path: "write /sys/fs/cgroup/unified/batchlet/x/cpu.max: Permission denied".
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace cgroups {

// How long kill/freeze/removal wait for the kernel before giving up. Processes killed with
// SIGKILL normally leave their cgroup within milliseconds; a process in uninterruptible sleep
// (D state, e.g. on NFS) can take much longer, and then removal reports EBUSY instead of hanging
// the agent.
inline constexpr std::chrono::milliseconds kSettleTimeout{5000};

class Cgroup {
 public:
  Cgroup() = default;
  ~Cgroup();
  Cgroup(Cgroup&& other) noexcept;
  Cgroup& operator=(Cgroup&& other) noexcept;
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;

  // Opens `mount` / `relative` (relative to the mount, "/" for the mount itself). Fails unless
  // `mount` is a cgroup2 file system.
  static base::Result<Cgroup> open_root(const std::filesystem::path& mount,
                                        const std::string& relative = "/");

  // Child names: 1..255 characters of [A-Za-z0-9_-]. Enough for UIDs and DNS-label container
  // names; refusing '.' and '/' rules out "..", paths and interface-file names ("cpu.max").
  static bool is_valid_name(std::string_view name);

  // mkdir; EEXIST is an error unless `exist_ok`. The returned handle owns the directory when it
  // created it (an existing directory is opened without ownership).
  base::Result<Cgroup> make_child(std::string_view name, bool exist_ok = false) const;
  // Opens an existing child: any single path component but "." and ".." (systemd's own cgroups
  // are named "system.slice", "user@1000.service").
  base::Result<Cgroup> open_child(std::string_view name) const;
  // The names of the child cgroups (subdirectories), sorted.
  base::Result<std::vector<std::string>> children() const;

  bool valid() const { return dir_.valid(); }
  // The descriptor for clone3's CLONE_INTO_CGROUP (O_RDONLY|O_DIRECTORY|O_CLOEXEC).
  int dir_fd() const { return dir_.get(); }
  // The absolute path ("/sys/fs/cgroup/unified/batchlet/x") and the path relative to the
  // mount ("/batchlet/x", the form /proc/<pid>/cgroup shows).
  std::filesystem::path path() const;
  const std::string& relative() const { return relative_; }
  const std::filesystem::path& mount() const { return mount_; }
  bool owned() const { return owned_; }
  // Gives up ownership: the directory stays when the handle goes.
  void release() { owned_ = false; }

  // One interface file. read() returns the whole text; write() writes `value` in one write(2).
  base::Result<std::string> read(std::string_view file) const;
  base::Status write(std::string_view file, std::string_view value) const;
  bool has_file(std::string_view file) const;

  // Writes "+a +b ..." to cgroup.subtree_control (one write; the kernel applies all or none).
  base::Status enable_controllers(const std::vector<std::string>& controllers) const;
  // The controllers enabled for this cgroup by its parent (cgroup.controllers).
  base::Result<std::vector<std::string>> controllers() const;

  // Moves process `pid` into this cgroup (cgroup.procs).
  base::Status add_process(pid_t pid) const;
  // The processes in this cgroup only (not its children).
  base::Result<std::vector<pid_t>> procs() const;
  // "populated" of cgroup.events: whether any process runs here or below.
  base::Result<bool> populated() const;
  base::Result<bool> frozen() const;

  // SIGKILL to every process here and below. Uses cgroup.kill (Linux >= 5.14); without it,
  // kill_by_procs().
  base::Status kill() const;
  // The pre-5.14 way: freeze the subtree (where cgroup.freeze exists) so nothing forks or exits
  // while the pids are read, SIGKILL every pid of cgroup.procs in it, thaw, and repeat until no
  // process is left (bounded by kSettleTimeout).
  base::Status kill_by_procs() const;
  // Writes cgroup.freeze and waits until cgroup.events reports the state (bounded).
  base::Status freeze(std::chrono::milliseconds timeout = kSettleTimeout) const;
  base::Status thaw(std::chrono::milliseconds timeout = kSettleTimeout) const;
  // Waits until populated is 0 (bounded); an error naming the cgroup on timeout.
  base::Status wait_empty(std::chrono::milliseconds timeout = kSettleTimeout) const;

  // Kills what runs inside, waits for it to leave, removes the subtree leaf-first (rmdir
  // retried on EBUSY until `timeout`), and leaves the handle empty. A missing directory counts
  // as removed. Works on owned and non-owned handles alike.
  base::Status destroy(std::chrono::milliseconds timeout = kSettleTimeout);

 private:
  Cgroup(std::filesystem::path mount, std::string relative, base::UniqueFd dir, bool owned)
      : mount_(std::move(mount)),
        relative_(std::move(relative)),
        dir_(std::move(dir)),
        owned_(owned) {}
  std::string child_relative(std::string_view name) const;
  base::Error error(std::string_view verb, std::string_view file, int err) const;
  base::Status wait_events_key(std::string_view key, bool want,
                               std::chrono::milliseconds timeout) const;

  std::filesystem::path mount_;
  std::string relative_;
  base::UniqueFd dir_;
  bool owned_ = false;
};

}  // namespace cgroups
