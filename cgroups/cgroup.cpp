// cgroups/cgroup.cpp: cgroup2 directory operations through a directory descriptor.
// Contract: see cgroup.hpp.
#include "cgroups/cgroup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <thread>

#include "base/file.hpp"
#include "cgroups/hierarchy.hpp"
#include "cgroups/keyed_file.hpp"

namespace cgroups {

namespace {

using Clock = std::chrono::steady_clock;

base::Result<base::UniqueFd> open_dir_at(int dirfd, const char* name) {
  int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return base::Error::from_errno("open", errno);
  return base::UniqueFd(fd);
}

// Subdirectory names of the directory `dirfd` refers to, sorted.
base::Result<std::vector<std::string>> list_subdirs(int dirfd) {
  // fdopendir takes ownership of its descriptor, so hand it a duplicate.
  int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return base::Error::from_errno("dup", errno);
  DIR* dir = ::fdopendir(dup);
  if (dir == nullptr) {
    int err = errno;
    ::close(dup);
    return base::Error::from_errno("opendir", err);
  }
  ::rewinddir(dir);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (entry->d_type == DT_DIR && name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return base::Error::from_errno("readdir", err);
  std::sort(names.begin(), names.end());
  return names;
}

void sleep_a_little(int& attempt) {
  // 1, 2, 4 ... 64 ms: quick for the common case, gentle when a process is slow to go.
  std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 6)));
  ++attempt;
}

// Removes the child `name` of `parent_fd` and everything below it, leaf first.
base::Status remove_tree_at(int parent_fd, const std::string& name, const std::string& where,
                            Clock::time_point deadline) {
  base::Result<base::UniqueFd> dir = open_dir_at(parent_fd, name.c_str());
  if (!dir.ok()) {
    if (dir.error().sys_errno() == ENOENT) return {};
    return dir.error().context(where);
  }
  base::Result<std::vector<std::string>> children = list_subdirs(dir->get());
  if (!children.ok()) return children.error().context(where);
  for (const std::string& child : *children) {
    std::string child_where = where;
    child_where += '/';
    child_where += child;
    base::Status removed = remove_tree_at(dir->get(), child, child_where, deadline);
    if (!removed.ok()) return removed;
  }
  for (int attempt = 0;;) {
    if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) return {};
    // EBUSY: the last processes are still on their way out of the cgroup.
    if (errno != EBUSY || Clock::now() >= deadline) {
      return base::Error::from_errno("remove cgroup " + where, errno);
    }
    sleep_a_little(attempt);
  }
}

}  // namespace

Cgroup::~Cgroup() {
  if (!owned_ || !dir_.valid()) return;
  base::Status destroyed = destroy();
  if (!destroyed.ok()) spdlog::warn("cgroup cleanup failed: {}", destroyed.error().message());
}

Cgroup::Cgroup(Cgroup&& other) noexcept
    : mount_(std::move(other.mount_)),
      relative_(std::move(other.relative_)),
      dir_(std::move(other.dir_)),
      owned_(std::exchange(other.owned_, false)) {}

Cgroup& Cgroup::operator=(Cgroup&& other) noexcept {
  if (this != &other) {
    Cgroup old(std::move(*this));  // releases what this handle owned
    mount_ = std::move(other.mount_);
    relative_ = std::move(other.relative_);
    dir_ = std::move(other.dir_);
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

base::Result<Cgroup> Cgroup::open_root(const std::filesystem::path& mount,
                                       const std::string& relative) {
  if (!mount.is_absolute())
    return base::Error("cgroup2 mount '" + mount.string() + "' is not absolute");
  if (relative.empty() || relative[0] != '/' || relative.find("/../") != std::string::npos ||
      relative.ends_with("/..")) {
    return base::Error("bad cgroup path '" + relative + "'");
  }
  std::filesystem::path full = mount;
  if (relative != "/") full /= relative.substr(1);
  int fd = ::open(full.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return base::Error::from_errno("open cgroup " + full.string(), errno);
  base::UniqueFd dir(fd);
  struct statfs fs {};
  if (::fstatfs(dir.get(), &fs) != 0) {
    return base::Error::from_errno("statfs " + full.string(), errno);
  }
  if (fs.f_type != CGROUP2_SUPER_MAGIC) {
    return base::Error(full.string() + " is not on a cgroup2 file system");
  }
  std::string rel = relative;
  while (rel.size() > 1 && rel.back() == '/') rel.pop_back();
  return Cgroup(mount, std::move(rel), std::move(dir), false);
}

bool Cgroup::is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

std::string Cgroup::child_relative(std::string_view name) const {
  std::string rel = relative_ == "/" ? std::string() : relative_;
  rel += '/';
  rel.append(name);
  return rel;
}

std::filesystem::path Cgroup::path() const {
  if (relative_ == "/" || relative_.empty()) return mount_;
  return mount_ / relative_.substr(1);
}

base::Error Cgroup::error(std::string_view verb, std::string_view file, int err) const {
  std::string what(verb);
  what += ' ';
  what += path().string();
  if (!file.empty()) {
    what += '/';
    what += file;
  }
  return base::Error::from_errno(what, err);
}

base::Result<Cgroup> Cgroup::make_child(std::string_view name, bool exist_ok) const {
  const std::string rel = child_relative(name);
  if (!is_valid_name(name)) {
    return base::Error("create cgroup " + (mount_ / rel.substr(1)).string() +
                       ": invalid name (allowed: 1-255 of A-Z a-z 0-9 - _)");
  }
  const std::string name_str(name);
  bool created = true;
  if (::mkdirat(dir_.get(), name_str.c_str(), 0755) != 0) {
    if (errno != EEXIST || !exist_ok) return error("create cgroup", name, errno);
    created = false;
  }
  base::Result<base::UniqueFd> fd = open_dir_at(dir_.get(), name_str.c_str());
  if (!fd.ok()) return error("open cgroup", name, fd.error().sys_errno());
  return Cgroup(mount_, rel, std::move(fd).value(), created);
}

base::Result<Cgroup> Cgroup::open_child(std::string_view name) const {
  // Existing cgroups may have names we would not create: systemd's "system.slice",
  // "user@1000.service". One path component, never "." or "..".
  const bool component = !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
                         name.find('/') == std::string_view::npos &&
                         name.find('\0') == std::string_view::npos;
  if (!component) {
    return base::Error("open cgroup " + (mount_ / child_relative(name).substr(1)).string() +
                       ": invalid name");
  }
  base::Result<base::UniqueFd> fd = open_dir_at(dir_.get(), std::string(name).c_str());
  if (!fd.ok()) return error("open cgroup", name, fd.error().sys_errno());
  return Cgroup(mount_, child_relative(name), std::move(fd).value(), false);
}

base::Result<std::vector<std::string>> Cgroup::children() const {
  base::Result<std::vector<std::string>> names = list_subdirs(dir_.get());
  if (!names.ok()) return names.error().context(path().string());
  return names;
}

base::Result<std::string> Cgroup::read(std::string_view file) const {
  int fd = ::openat(dir_.get(), std::string(file).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error("read", file, errno);
  base::UniqueFd owned(fd);
  std::string text;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error("read", file, errno);
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > (1u << 24))
      return base::Error("read " + (path() / file).string() + ": too large");
  }
}

base::Status Cgroup::write(std::string_view file, std::string_view value) const {
  int fd = ::openat(dir_.get(), std::string(file).c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return error("write", file, errno);
  base::UniqueFd owned(fd);
  ssize_t n;
  do {
    n = ::write(fd, value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return error("write", file, errno);
  if (static_cast<size_t>(n) != value.size()) return error("write", file, EIO);
  return {};
}

bool Cgroup::has_file(std::string_view file) const {
  return ::faccessat(dir_.get(), std::string(file).c_str(), F_OK, 0) == 0;
}

base::Status Cgroup::enable_controllers(const std::vector<std::string>& controllers) const {
  if (controllers.empty()) return {};
  std::string line;
  for (const std::string& c : controllers) {
    if (!line.empty()) line += ' ';
    line += '+';
    line += c;
  }
  return write("cgroup.subtree_control", line);
}

base::Result<std::vector<std::string>> Cgroup::controllers() const {
  return read_controllers(path());
}

base::Status Cgroup::add_process(pid_t pid) const {
  return write("cgroup.procs", std::to_string(pid));
}

base::Result<std::vector<pid_t>> Cgroup::procs() const {
  base::Result<std::string> text = read("cgroup.procs");
  if (!text.ok()) return text.error();
  std::vector<pid_t> pids;
  std::string_view rest = *text;
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (line.empty()) continue;
    pid_t pid = 0;
    auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), pid);
    if (ec != std::errc() || ptr != line.data() + line.size()) {
      return base::Error("parse " + (path() / "cgroup.procs").string() + ": bad pid '" +
                         std::string(line) + "'");
    }
    pids.push_back(pid);
  }
  return pids;
}

base::Result<bool> Cgroup::populated() const {
  base::Result<std::string> text = read("cgroup.events");
  if (!text.ok()) return text.error();
  std::optional<std::uint64_t> value = keyed_value(*text, "populated");
  if (!value) return base::Error("parse " + (path() / "cgroup.events").string() + ": no populated");
  return *value != 0;
}

base::Result<bool> Cgroup::frozen() const {
  base::Result<std::string> text = read("cgroup.events");
  if (!text.ok()) return text.error();
  std::optional<std::uint64_t> value = keyed_value(*text, "frozen");
  if (!value) return base::Error("parse " + (path() / "cgroup.events").string() + ": no frozen");
  return *value != 0;
}

base::Status Cgroup::kill() const {
  if (relative_ == "/") return base::Error("refusing to kill the cgroup2 root " + path().string());
  base::Status killed = write("cgroup.kill", "1");
  if (killed.ok() || killed.error().sys_errno() != ENOENT) return killed;
  return kill_by_procs();  // Linux < 5.14
}

base::Status Cgroup::kill_by_procs() const {
  if (relative_ == "/") return base::Error("refusing to kill the cgroup2 root " + path().string());
  const bool can_freeze = has_file("cgroup.freeze");
  const Clock::time_point deadline = Clock::now() + kSettleTimeout;
  while (true) {
    if (can_freeze) {
      base::Status frozen_now = freeze(kSettleTimeout);
      if (!frozen_now.ok()) return frozen_now.error().context("kill");
    }
    // Every cgroup of the subtree, breadth first.
    std::vector<Cgroup> pending;
    base::Result<Cgroup> self = open_root(mount_, relative_);
    if (!self.ok()) return self.error().context("kill");
    pending.push_back(std::move(self).value());
    size_t signalled = 0;
    for (size_t i = 0; i < pending.size(); ++i) {
      base::Result<std::vector<pid_t>> pids = pending[i].procs();
      if (!pids.ok()) return pids.error().context("kill");
      for (pid_t pid : *pids) {
        // The subtree is frozen: a listed process cannot exit and have its pid reused before
        // the signal arrives. ESRCH means it was killed already.
        if (::kill(pid, SIGKILL) != 0 && errno != ESRCH) {
          return base::Error::from_errno(
              "kill pid " + std::to_string(pid) + " of " + pending[i].path().string(), errno);
        }
        ++signalled;
      }
      base::Result<std::vector<std::string>> names = pending[i].children();
      if (!names.ok()) return names.error().context("kill");
      for (const std::string& name : *names) {
        base::Result<Cgroup> child = pending[i].open_child(name);
        if (!child.ok()) return child.error().context("kill");
        pending.push_back(std::move(child).value());
      }
    }
    if (can_freeze) {
      base::Status thawed = thaw(kSettleTimeout);
      if (!thawed.ok()) return thawed.error().context("kill");
    }
    if (signalled == 0) return {};
    base::Result<bool> busy = populated();
    if (!busy.ok()) return busy.error().context("kill");
    if (!*busy) return {};
    if (Clock::now() >= deadline) {
      return base::Error("kill " + path().string() + ": processes keep appearing");
    }
  }
}

base::Status Cgroup::wait_events_key(std::string_view key, bool want,
                                     std::chrono::milliseconds timeout) const {
  const Clock::time_point deadline = Clock::now() + timeout;
  const std::string events_path = (path() / "cgroup.events").string();
  base::UniqueFd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!inotify.valid()) return base::Error::from_errno("inotify_init1", errno);
  // Watch first, then read: a change between the two still wakes the poll below.
  if (::inotify_add_watch(inotify.get(), events_path.c_str(), IN_MODIFY) < 0) {
    return base::Error::from_errno("watch " + events_path, errno);
  }
  while (true) {
    base::Result<std::string> text = read("cgroup.events");
    if (!text.ok()) return text.error();
    std::optional<std::uint64_t> value = keyed_value(*text, key);
    if (!value) return base::Error("parse " + events_path + ": no " + std::string(key));
    if ((*value != 0) == want) return {};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      std::string message = "timed out after ";
      message += std::to_string(timeout.count());
      message += " ms waiting for ";
      message += key;
      message += want ? " 1" : " 0";
      message += " in ";
      message += events_path;
      return base::Error(std::move(message));
    }
    pollfd pfd{inotify.get(), POLLIN, 0};
    // Also re-read every 100 ms: inotify on kernfs is reliable, but a bound keeps a missed
    // notification from turning into a full timeout.
    int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 100)));
    if (ready < 0 && errno != EINTR) return base::Error::from_errno("poll", errno);
    char drain[4096];
    while (::read(inotify.get(), drain, sizeof drain) > 0) {
    }
  }
}

base::Status Cgroup::freeze(std::chrono::milliseconds timeout) const {
  base::Status written = write("cgroup.freeze", "1");
  if (!written.ok()) return written;
  return wait_events_key("frozen", true, timeout);
}

base::Status Cgroup::thaw(std::chrono::milliseconds timeout) const {
  base::Status written = write("cgroup.freeze", "0");
  if (!written.ok()) return written;
  return wait_events_key("frozen", false, timeout);
}

base::Status Cgroup::wait_empty(std::chrono::milliseconds timeout) const {
  return wait_events_key("populated", false, timeout);
}

base::Status Cgroup::destroy(std::chrono::milliseconds timeout) {
  if (!dir_.valid()) return {};
  if (relative_ == "/")
    return base::Error("refusing to remove the cgroup2 root " + path().string());
  const Clock::time_point deadline = Clock::now() + timeout;
  const std::string where = path().string();
  base::Result<bool> busy = populated();
  if (!busy.ok() && busy.error().sys_errno() == ENOENT) {
    dir_.reset();  // removed by someone else already
    owned_ = false;
    return {};
  }
  if (!busy.ok()) return busy.error().context("remove cgroup " + where);
  if (*busy) {
    base::Status killed = kill();
    if (!killed.ok()) return killed.error().context("remove cgroup " + where);
    base::Status empty = wait_empty(timeout);
    if (!empty.ok()) return empty.error().context("remove cgroup " + where);
  }
  const size_t slash = relative_.rfind('/');
  base::Result<Cgroup> parent =
      open_root(mount_, slash == 0 ? std::string("/") : relative_.substr(0, slash));
  if (!parent.ok()) return parent.error().context("remove cgroup " + where);
  base::Status removed =
      remove_tree_at(parent->dir_fd(), relative_.substr(slash + 1), where, deadline);
  if (!removed.ok()) return removed;
  dir_.reset();
  owned_ = false;
  return {};
}

}  // namespace cgroups
