// runtime/rootfs_user.hpp: who a container runs as, looked up in the image's own /etc/passwd and
// /etc/group (never the host's), the way runc resolves a user name.
//
// Contract: the parse functions are pure. read_rootfs_file() reads a file as the container will
// see it: from the top-most layer that has it, resolving symlinks inside the layer
// (openat2 RESOLVE_IN_ROOT), so an image cannot point the lookup at a host file. A user name
// with no passwd entry is runc's error: `unable to find user bob: no matching entries in
// passwd file`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "runtime/container_spec.hpp"

namespace runtime {

struct PasswdEntry {
  std::string name;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string home;
};

// The entry named `name`, or std::nullopt.
std::optional<PasswdEntry> find_passwd_entry(std::string_view passwd_text, std::string_view name);

// The gids of the groups in `group_text` that list `user_name` as a member.
std::vector<std::uint32_t> member_groups(std::string_view group_text, std::string_view user_name);

// The text of `path` (absolute, inside the container) in the rootfs; std::nullopt if no layer has
// it.
base::Result<std::optional<std::string>> read_rootfs_file(const RootfsSpec& rootfs,
                                                          const std::filesystem::path& path);

struct ResolvedUser {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::vector<std::uint32_t> supplementary_groups;
};

// The identity of the spec's process: user_name (when set) looked up in the rootfs, else uid/gid
// as given; supplementary groups are the primary group, the spec's, then the /etc/group
// memberships of the name (containerd's order).
base::Result<ResolvedUser> resolve_user(const ContainerSpec& spec);

}  // namespace runtime
