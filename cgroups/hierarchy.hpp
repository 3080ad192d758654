// cgroups/hierarchy.hpp: read-only detection of how cgroups are mounted on this machine.
//
// Contract: nothing here writes to any cgroup hierarchy or changes any state; the functions only
// read /proc/self/mountinfo, /proc/self/cgroup and cgroup.controllers files. The parse_*
// functions are pure (text in, value out) so every kernel layout can be tested from a fixture.
// Errors name the file and, for parse failures, the 1-based line number.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace cgroups {

// How the resource controllers are split between cgroup v1 and cgroup2 (systemd's vocabulary).
enum class CgroupMode {
  unified,  // cgroup2 only: controllers live in the cgroup2 tree.
  hybrid,   // v1 controller hierarchies plus a cgroup2 mount (usually /sys/fs/cgroup/unified).
  legacy,   // v1 controller hierarchies only.
  none,     // no cgroup2 mount and no v1 controller hierarchy.
};

std::string_view to_string(CgroupMode mode);

// One visible cgroup v1 hierarchy mount.
struct V1Mount {
  // The controllers of the hierarchy in the kernel's order, e.g. {"cpu", "cpuacct"}. A named
  // hierarchy keeps its name as "name=systemd". Mount flags (rw, xattr, release_agent=...,
  // seclabel, ...) are not controllers and are left out.
  std::vector<std::string> controllers;
  std::filesystem::path mount_point;
};

struct CgroupMounts {
  // unified if a cgroup2 mount is visible and no v1 mount carries a real controller; hybrid if
  // both; legacy if only v1 controllers; none otherwise. A named-only v1 hierarchy such as
  // name=systemd is listed in v1 but does not count as a controller mount.
  CgroupMode mode = CgroupMode::none;
  // The cgroup2 mount point; empty if there is none. Among several, /sys/fs/cgroup wins, then
  // /sys/fs/cgroup/unified, else the first listed.
  std::filesystem::path unified;
  // Every visible v1 mount (controller or named), in mountinfo order.
  std::vector<V1Mount> v1;
};

// Parses the text of /proc/<pid>/mountinfo (proc(5)). Mounts hidden by a later mount stacked on
// the same mount point (and everything beneath them) are ignored, because paths under them no
// longer reach them. Errors look like "mountinfo line 3: no ' - ' separator".
base::Result<CgroupMounts> parse_mountinfo(std::string_view mountinfo_text);

base::Result<CgroupMounts> detect_cgroup_mounts(
    const std::filesystem::path& mountinfo = "/proc/self/mountinfo");

// The controllers listed in <cgroup_dir>/cgroup.controllers; an empty file gives an empty vector.
base::Result<std::vector<std::string>> read_controllers(const std::filesystem::path& cgroup_dir);

// The path of the "0::<path>" line of /proc/<pid>/cgroup text, i.e. the process's cgroup2
// membership relative to the cgroup2 root. An Error if the text has no such line (a v1-only
// system) or a line is not "hierarchy-ID:controllers:path".
base::Result<std::string> parse_own_cgroup(std::string_view proc_self_cgroup_text);

base::Result<std::string> own_cgroup(const std::filesystem::path& file = "/proc/self/cgroup");

}  // namespace cgroups
