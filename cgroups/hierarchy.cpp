// cgroups/hierarchy.cpp: parsing of mountinfo, /proc/self/cgroup and cgroup.controllers.
//
// Contract: see hierarchy.hpp. Read-only; the only system calls are open and read of the files
// named by the caller.
#include "cgroups/hierarchy.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "base/file.hpp"

namespace cgroups {

namespace {

// The v1 controller names the kernel can print (legacy_name in kernel/cgroup/cgroup_subsys.h).
// Matching known names instead of dropping known flags matters: super options also carry mount
// flags we cannot enumerate, e.g. LSM options such as "seclabel", which are not controllers.
constexpr std::string_view kV1Controllers[] = {
    "cpuset",     "cpu",      "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls",
    "perf_event", "net_prio", "hugetlb", "pids",  "rdma",   "misc",    "debug",
};

bool is_v1_controller(std::string_view option) {
  return std::find(std::begin(kV1Controllers), std::end(kV1Controllers), option) !=
         std::end(kV1Controllers);
}

// Splits on every sep, keeping empty pieces, so field positions stay exact.
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// The kernel writes space, tab, newline and backslash (and, in options, comma) in mountinfo
// fields as a backslash and three octal digits. A backslash not followed by a valid escape is
// kept as it is rather than rejected: the text still names the same mount.
std::string unescape_octal(std::string_view field) {
  auto is_octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '3' &&
        is_octal(field[i + 2]) && is_octal(field[i + 3])) {
      out.push_back(static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                      (field[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

bool parse_u64(std::string_view text, uint64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

base::Error line_error(std::string_view file, size_t line, std::string_view what) {
  std::string message(file);
  message += " line ";
  message += std::to_string(line);
  message += ": ";
  message += what;
  return base::Error(std::move(message));
}

// The fields of one mountinfo line that detection needs.
struct MountLine {
  uint64_t id = 0;
  uint64_t parent = 0;
  std::string mount_point;
  std::string_view fs_type;
  std::string_view super_options;
};

// proc(5): "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue".
// Zero or more optional fields precede the lone "-", so fields are found relative to it.
base::Result<MountLine> parse_mountinfo_line(std::string_view text, size_t line) {
  std::vector<std::string_view> fields = split(text, ' ');
  // No other field can be exactly "-": IDs are numbers, root and mount point are escaped
  // paths, options and optional fields are "key[:value]" lists. So the first "-" is the
  // separator even if the line lacks some of the fixed fields.
  auto separator = std::find(fields.begin(), fields.end(), std::string_view("-"));
  if (separator == fields.end()) return line_error("mountinfo", line, "no ' - ' separator");
  if (separator - fields.begin() < 6) {
    return line_error("mountinfo", line,
                      "expected at least 6 fields before ' - ', got " +
                          std::to_string(separator - fields.begin()));
  }
  if (fields.end() - separator < 4) {
    return line_error("mountinfo", line, "expected fs type, source and super options after ' - '");
  }
  MountLine mount;
  if (!parse_u64(fields[0], mount.id)) {
    return line_error("mountinfo", line, "bad mount ID '" + std::string(fields[0]) + "'");
  }
  if (!parse_u64(fields[1], mount.parent)) {
    return line_error("mountinfo", line, "bad parent ID '" + std::string(fields[1]) + "'");
  }
  if (fields[4].empty()) return line_error("mountinfo", line, "empty mount point");
  mount.mount_point = unescape_octal(fields[4]);
  mount.fs_type = separator[1];
  mount.super_options = separator[3];
  if (mount.fs_type.empty()) return line_error("mountinfo", line, "empty fs type");
  return mount;
}

// A mount is unreachable once another mount is stacked on its mount point (the stacked mount's
// parent is the covered mount and both share the mount point); so is everything mounted beneath
// a covered mount. Uses parent IDs rather than line order, which is not guaranteed chronological.
std::vector<bool> visible_mounts(const std::vector<MountLine>& mounts) {
  std::unordered_map<uint64_t, size_t> by_id;
  for (size_t i = 0; i < mounts.size(); ++i) by_id.emplace(mounts[i].id, i);

  std::vector<bool> covered(mounts.size(), false);
  for (size_t i = 0; i < mounts.size(); ++i) {
    auto parent = by_id.find(mounts[i].parent);
    if (parent != by_id.end() && parent->second != i &&
        mounts[parent->second].mount_point == mounts[i].mount_point) {
      covered[parent->second] = true;
    }
  }

  std::vector<bool> visible(mounts.size(), true);
  for (size_t i = 0; i < mounts.size(); ++i) {
    visible[i] = !covered[i];
    size_t at = i;
    // Walk up: a mount is unreachable if any mount its path goes through is covered. The mount
    // a child is stacked on is not on its path (the child is what covers it), so only its own
    // ancestors matter. Bounded, so that a corrupt parent chain cannot loop forever.
    for (size_t steps = 0; visible[i] && steps <= mounts.size(); ++steps) {
      auto parent = by_id.find(mounts[at].parent);
      if (parent == by_id.end() || parent->second == at) break;
      const bool stacked = mounts[parent->second].mount_point == mounts[at].mount_point;
      if (!stacked && covered[parent->second]) visible[i] = false;
      at = parent->second;
    }
  }
  return visible;
}

}  // namespace

std::string_view to_string(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::unified:
      return "unified";
    case CgroupMode::hybrid:
      return "hybrid";
    case CgroupMode::legacy:
      return "legacy";
    case CgroupMode::none:
      return "none";
  }
  return "unknown";
}

base::Result<CgroupMounts> parse_mountinfo(std::string_view mountinfo_text) {
  std::vector<MountLine> mounts;
  std::vector<std::string_view> lines = split(mountinfo_text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;  // The final newline leaves one empty piece.
    base::Result<MountLine> mount = parse_mountinfo_line(lines[i], i + 1);
    if (!mount.ok()) return mount.error();
    mounts.push_back(std::move(mount).value());
  }

  const std::vector<bool> visible = visible_mounts(mounts);
  CgroupMounts result;
  std::vector<std::filesystem::path> cgroup2_mounts;
  bool v1_controllers = false;
  for (size_t i = 0; i < mounts.size(); ++i) {
    if (!visible[i]) continue;
    const MountLine& mount = mounts[i];
    if (mount.fs_type == "cgroup2") {
      cgroup2_mounts.emplace_back(mount.mount_point);
    } else if (mount.fs_type == "cgroup") {
      V1Mount v1{{}, mount.mount_point};
      for (std::string_view option : split(mount.super_options, ',')) {
        std::string decoded = unescape_octal(option);
        if (is_v1_controller(decoded)) {
          v1_controllers = true;
          v1.controllers.push_back(std::move(decoded));
        } else if (decoded.starts_with("name=") && decoded.size() > 5) {
          v1.controllers.push_back(std::move(decoded));
        }
      }
      result.v1.push_back(std::move(v1));
    }
  }

  for (std::string_view preferred : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    auto found =
        std::find(cgroup2_mounts.begin(), cgroup2_mounts.end(), std::filesystem::path(preferred));
    if (found != cgroup2_mounts.end()) {
      result.unified = *found;
      break;
    }
  }
  if (result.unified.empty() && !cgroup2_mounts.empty()) result.unified = cgroup2_mounts.front();

  const bool has_cgroup2 = !result.unified.empty();
  if (has_cgroup2) {
    result.mode = v1_controllers ? CgroupMode::hybrid : CgroupMode::unified;
  } else {
    result.mode = v1_controllers ? CgroupMode::legacy : CgroupMode::none;
  }
  return result;
}

base::Result<CgroupMounts> detect_cgroup_mounts(const std::filesystem::path& mountinfo) {
  base::Result<std::string> text = base::read_file(mountinfo);
  if (!text.ok()) return text.error();
  base::Result<CgroupMounts> mounts = parse_mountinfo(*text);
  if (!mounts.ok()) return mounts.error().context("parse " + mountinfo.string());
  return mounts;
}

base::Result<std::vector<std::string>> read_controllers(const std::filesystem::path& cgroup_dir) {
  base::Result<std::string> text = base::read_file(cgroup_dir / "cgroup.controllers");
  if (!text.ok()) return text.error();
  // The kernel separates names with single spaces and ends with a newline; any whitespace is
  // accepted so that the result does not depend on that detail.
  std::vector<std::string> controllers;
  std::string_view rest = *text;
  constexpr std::string_view kSpace = " \t\n";
  while (true) {
    size_t start = rest.find_first_not_of(kSpace);
    if (start == std::string_view::npos) return controllers;
    rest.remove_prefix(start);
    size_t end = std::min(rest.find_first_of(kSpace), rest.size());
    controllers.emplace_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
}

base::Result<std::string> parse_own_cgroup(std::string_view proc_self_cgroup_text) {
  std::vector<std::string_view> lines = split(proc_self_cgroup_text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty()) continue;
    // The path is last and may itself contain ':', so split only at the first two.
    size_t first = line.find(':');
    size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) {
      return line_error(
          "cgroup", i + 1,
          "expected 'hierarchy-ID:controllers:path', got '" + std::string(line) + "'");
    }
    if (line.substr(0, first) == "0" && first + 1 == second) {
      std::string_view path = line.substr(second + 1);
      if (path.empty()) return line_error("cgroup", i + 1, "empty cgroup2 path");
      return std::string(path);
    }
  }
  return base::Error("no cgroup2 membership (no '0::<path>' line)");
}

base::Result<std::string> own_cgroup(const std::filesystem::path& file) {
  base::Result<std::string> text = base::read_file(file);
  if (!text.ok()) return text.error();
  base::Result<std::string> path = parse_own_cgroup(*text);
  if (!path.ok()) return path.error().context("parse " + file.string());
  return path;
}

}  // namespace cgroups
