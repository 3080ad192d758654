// runtime/rootfs_user.cpp: see rootfs_user.hpp.
#include "runtime/rootfs_user.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "base/unique_fd.hpp"

namespace runtime {
namespace {

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> fields;
  while (true) {
    const auto pos = line.find(sep);
    fields.push_back(line.substr(0, pos));
    if (pos == std::string_view::npos) break;
    line.remove_prefix(pos + 1);
  }
  return fields;
}

template <typename F>
void for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.front() != '#') f(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

std::optional<std::uint32_t> parse_id(std::string_view s) {
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

base::Result<std::optional<std::string>> read_in_root(const std::filesystem::path& root,
                                                      const std::filesystem::path& path) {
  base::UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return base::Error::from_errno("open rootfs " + root.string(), errno);
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  base::UniqueFd fd(
      static_cast<int>(::syscall(SYS_openat2, root_fd.get(), path.c_str(), &how, sizeof how)));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return base::Error::from_errno("open " + path.string() + " in " + root.string(), errno);
  }
  std::string text;
  char buf[8192];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Error::from_errno("read " + path.string(), errno);
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (16U << 20)) return base::Error("read " + path.string() + ": too large");
  }
  return std::optional<std::string>(std::move(text));
}

}  // namespace

std::optional<PasswdEntry> find_passwd_entry(std::string_view passwd_text, std::string_view name) {
  std::optional<PasswdEntry> found;
  for_each_line(passwd_text, [&](std::string_view line) {
    if (found) return;
    const auto f = split(line, ':');
    if (f.size() < 4 || f[0] != name) return;
    auto uid = parse_id(f[2]);
    auto gid = parse_id(f[3]);
    if (!uid || !gid) return;
    found = PasswdEntry{std::string(f[0]), *uid, *gid, f.size() > 5 ? std::string(f[5]) : ""};
  });
  return found;
}

std::vector<std::uint32_t> member_groups(std::string_view group_text, std::string_view user_name) {
  std::vector<std::uint32_t> gids;
  for_each_line(group_text, [&](std::string_view line) {
    const auto f = split(line, ':');
    if (f.size() < 4) return;
    auto gid = parse_id(f[2]);
    if (!gid) return;
    for (auto member : split(f[3], ',')) {
      if (member == user_name) {
        gids.push_back(*gid);
        return;
      }
    }
  });
  return gids;
}

base::Result<std::optional<std::string>> read_rootfs_file(const RootfsSpec& rootfs,
                                                          const std::filesystem::path& path) {
  std::vector<std::filesystem::path> layers;
  switch (rootfs.kind) {
    case RootfsSpec::Kind::host:
      layers.push_back("/");
      break;
    case RootfsSpec::Kind::directory:
      layers.push_back(rootfs.directory);
      break;
    case RootfsSpec::Kind::overlay:
      if (!rootfs.upper_dir.empty()) layers.push_back(rootfs.upper_dir);
      layers.insert(layers.end(), rootfs.lower_dirs.begin(), rootfs.lower_dirs.end());
      break;
  }
  for (const auto& layer : layers) {
    auto text = read_in_root(layer, path);
    if (!text) return text.error();
    if (*text) return text;
  }
  return std::optional<std::string>();
}

base::Result<ResolvedUser> resolve_user(const ContainerSpec& spec) {
  ResolvedUser user{spec.uid, spec.gid, {}};
  // containerd lists the primary group first among the supplementary ones.
  auto add_group = [&user](std::uint32_t gid) {
    if (std::find(user.supplementary_groups.begin(), user.supplementary_groups.end(), gid) ==
        user.supplementary_groups.end()) {
      user.supplementary_groups.push_back(gid);
    }
  };
  if (!spec.user_name) {
    add_group(user.gid);
    for (auto gid : spec.supplementary_groups) add_group(gid);
    return user;
  }
  const std::string& name = *spec.user_name;
  auto passwd = read_rootfs_file(spec.rootfs, "/etc/passwd");
  if (!passwd) return passwd.error().context("look up user " + name);
  std::optional<PasswdEntry> entry;
  if (*passwd) entry = find_passwd_entry(**passwd, name);
  if (!entry) {
    return base::Error("unable to find user " + name + ": no matching entries in passwd file");
  }
  user.uid = entry->uid;
  user.gid = entry->gid;
  add_group(user.gid);
  for (auto gid : spec.supplementary_groups) add_group(gid);
  auto group = read_rootfs_file(spec.rootfs, "/etc/group");
  if (!group) return group.error().context("look up groups of " + name);
  if (*group) {
    for (auto gid : member_groups(**group, name)) add_group(gid);
  }
  return user;
}

}  // namespace runtime
