// cgroups/discovery.cpp: choosing the base cgroup and the usable controllers.
// Contract: see discovery.hpp.
#include "cgroups/discovery.hpp"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>

namespace cgroups {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A systemd unit's cgroup ends in ".service" or ".scope"; slices cannot hold processes.
bool is_unit_cgroup(std::string_view cgroup) {
  return cgroup.ends_with(".service") || cgroup.ends_with(".scope");
}

bool xattr_is_one(const std::filesystem::path& dir, const char* name) {
  char value[8] = {};
  ssize_t n = ::getxattr(dir.c_str(), name, value, sizeof value - 1);
  return n == 1 && value[0] == '1';
}

}  // namespace

std::string_view to_string(TreeMode mode) {
  switch (mode) {
    case TreeMode::standalone:
      return "standalone";
    case TreeMode::systemd_delegated:
      return "systemd-delegated";
    case TreeMode::systemd_scope:
      return "systemd-scope";
  }
  return "unknown";
}

base::Result<std::string> plan_base(const HostFacts& facts, TreeMode& mode,
                                    std::vector<std::string>& notes) {
  if (facts.mounts.unified.empty()) {
    return base::Error("no cgroup2 mount (cgroup mode " +
                       std::string(to_string(facts.mounts.mode)) + "); batchlet needs cgroup2");
  }
  mode = TreeMode::standalone;
  if (!facts.delegated_scope.empty()) {
    if (facts.delegated_scope[0] != '/' || facts.delegated_scope == "/" ||
        facts.delegated_scope.find("/..") != std::string::npos) {
      return base::Error("delegated scope cgroup '" + facts.delegated_scope +
                         "' must be an absolute path below the cgroup2 root");
    }
    mode = TreeMode::systemd_scope;
    return facts.delegated_scope;
  }
  const std::string& parent = facts.configured_parent;
  if (!parent.empty()) {
    if (parent[0] != '/' || parent.find("/..") != std::string::npos ||
        parent.find("//") != std::string::npos) {
      return base::Error("cgroup parent '" + parent +
                         "' must be an absolute path inside the cgroup2 hierarchy");
    }
    return parent.size() > 1 && parent.back() == '/' ? parent.substr(0, parent.size() - 1) : parent;
  }
  if (facts.systemd_booted && is_unit_cgroup(facts.own_cgroup)) {
    if (facts.own_cgroup_delegated) {
      mode = TreeMode::systemd_delegated;
      return facts.own_cgroup;
    }
    notes.push_back("running in systemd unit cgroup " + facts.own_cgroup +
                    " without Delegate=yes: the tree is created under the cgroup2 root, where "
                    "systemd may reorganise it; add Delegate=yes to the unit");
  }
  return std::string("/");
}

base::Result<Discovery> plan_tree(const HostFacts& facts) {
  Discovery discovery;
  base::Result<std::string> base = plan_base(facts, discovery.tree_mode, discovery.notes);
  if (!base.ok()) return base.error();
  discovery.base = std::move(base).value();
  discovery.mode = facts.mounts.mode;
  discovery.mount = facts.mounts.unified;
  discovery.own_cgroup = facts.own_cgroup;
  for (const std::string& controller : kWantedControllers) {
    (contains(facts.base_controllers, controller) ? discovery.available : discovery.missing)
        .push_back(controller);
  }
  if (contains(discovery.missing, "io")) {
    discovery.notes.push_back("io.weight not enforced: controller io unavailable");
  }
  return discovery;
}

std::string degradation_message(const std::vector<std::string>& missing) {
  std::string names;
  for (const std::string& controller : kLimitControllers) {
    if (!contains(missing, controller)) continue;
    if (!names.empty()) names += ',';
    names += controller;
  }
  if (names.empty()) return {};
  std::string message = "resource limits not enforced: controllers ";
  message += names;
  message += " unavailable";
  return message;
}

base::Result<Discovery> discover(const DiscoverOptions& options) {
  HostFacts facts;
  base::Result<CgroupMounts> mounts = detect_cgroup_mounts();
  if (!mounts.ok()) return mounts.error().context("discover cgroups");
  facts.mounts = std::move(mounts).value();
  if (!options.mount.empty()) facts.mounts.unified = options.mount;

  base::Result<std::string> own = own_cgroup();
  if (!own.ok()) return own.error().context("discover cgroups");
  facts.own_cgroup = std::move(own).value();
  struct stat st {};
  facts.systemd_booted = ::lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
  facts.configured_parent = options.parent;
  facts.delegated_scope = options.delegated_scope;
  if (!facts.mounts.unified.empty() && facts.own_cgroup != "/") {
    const std::filesystem::path own_dir = facts.mounts.unified / facts.own_cgroup.substr(1);
    facts.own_cgroup_delegated =
        xattr_is_one(own_dir, "trusted.delegate") || xattr_is_one(own_dir, "user.delegate");
  }

  TreeMode mode;
  std::vector<std::string> notes;
  base::Result<std::string> base = plan_base(facts, mode, notes);
  if (!base.ok()) return base.error().context("discover cgroups");
  const std::filesystem::path base_dir =
      *base == "/" ? facts.mounts.unified : facts.mounts.unified / base->substr(1);
  // A configured parent that does not exist yet is created by the manager under the root; its
  // controllers can then be what the root offers.
  std::filesystem::path controllers_dir = base_dir;
  std::error_code ec;
  while (!std::filesystem::exists(controllers_dir / "cgroup.controllers", ec) &&
         controllers_dir != facts.mounts.unified && controllers_dir.has_parent_path()) {
    controllers_dir = controllers_dir.parent_path();
  }
  base::Result<std::vector<std::string>> controllers = read_controllers(controllers_dir);
  if (!controllers.ok()) return controllers.error().context("discover cgroups");
  facts.base_controllers = std::move(controllers).value();
  return plan_tree(facts);
}

}  // namespace cgroups
