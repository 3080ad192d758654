// cgroups/discovery.hpp: where batchlet's cgroup tree goes and which controllers it can use.
//
// Contract: plan_tree() is pure (facts in, decision out) so every host layout is unit-tested;
// discover() gathers the facts read-only (mountinfo, /proc/self/cgroup, cgroup.controllers, the
// delegation xattrs, /run/systemd/system) and calls it. Nothing here writes.
//
// The decision, as systemd's cgroup delegation rules and the kubelet's cgroupfs driver imply:
//   - a delegated scope the agent started for its pods under systemd (the agent asks systemd
//     for it when it sees the next case; see systemd/transient_scope.hpp for why): the tree
//     goes inside the scope;
//   - systemd with Delegate=yes on our unit (systemd >= 251 marks the unit's cgroup with the
//     xattr trusted.delegate=1, or user.delegate=1 under a user manager): the tree goes inside
//     our own unit's cgroup, which we may manage;
//   - otherwise standalone: under the configured parent, else the cgroup2 root. Under systemd
//     without delegation this still works but systemd may reorganise the tree; a note says so.
// The controllers batchlet uses are cpu, memory, pids and io. Those missing from the base's
// cgroup.controllers cannot be enforced; degradation_message() is the one warning for them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "cgroups/hierarchy.hpp"

namespace cgroups {

// Every controller batchlet would enable, in the order messages list them.
inline const std::vector<std::string> kWantedControllers = {"cpu", "memory", "pids", "io"};
// The controllers without which the limits of a Pod's resources are not enforced.
inline const std::vector<std::string> kLimitControllers = {"cpu", "memory", "pids"};

enum class TreeMode {
  standalone,         // under the configured parent or the cgroup2 root
  systemd_delegated,  // inside our own systemd unit's cgroup (Delegate=yes)
  systemd_scope,      // inside a delegated scope started for the pods
};
// The modes in which batchlet owns the base and its processes must move to a leaf.
inline bool is_delegated(TreeMode mode) { return mode != TreeMode::standalone; }
std::string_view to_string(TreeMode mode);

// What discover() reads from the machine.
struct HostFacts {
  CgroupMounts mounts;
  std::string own_cgroup;       // relative to the cgroup2 root, e.g. "/system.slice/x.service"
  bool systemd_booted = false;  // /run/systemd/system exists
  bool own_cgroup_delegated = false;  // trusted.delegate or user.delegate is "1"
  std::string configured_parent;      // from the agent's flags; empty for automatic
  std::string delegated_scope;        // cgroup of the pods' scope; empty for none
  // cgroup.controllers of the chosen base (read after the base is known).
  std::vector<std::string> base_controllers;
};

struct Discovery {
  CgroupMode mode = CgroupMode::none;
  std::filesystem::path mount;  // the cgroup2 mount
  std::string own_cgroup;
  TreeMode tree_mode = TreeMode::standalone;
  std::string base;                    // the cgroup holding the tree, relative to the mount
  std::vector<std::string> available;  // wanted controllers the base offers, in kWanted order
  std::vector<std::string> missing;    // wanted controllers it does not
  std::vector<std::string> notes;      // one-line remarks for logs and `batchlet info`
};

// The base cgroup for the tree; an Error if there is no cgroup2 mount or the parent is bad.
base::Result<std::string> plan_base(const HostFacts& facts, TreeMode& mode,
                                    std::vector<std::string>& notes);
// The whole decision (plan_base + the controller split). facts.base_controllers must be those
// of the base plan_base() chose.
base::Result<Discovery> plan_tree(const HostFacts& facts);

// `resource limits not enforced: controllers cpu,memory,pids unavailable`, naming the missing
// controllers among kLimitControllers; empty when all are available.
std::string degradation_message(const std::vector<std::string>& missing);

struct DiscoverOptions {
  // The cgroup2 mount to use; empty to detect it from /proc/self/mountinfo.
  std::filesystem::path mount;
  // Where to put the tree, relative to the cgroup2 root ("/batchlet-parent"); empty for the
  // automatic choice above.
  std::string parent;
  // The cgroup of a delegated scope started for the pods ("/system.slice/batchlet-pods.scope");
  // it wins over everything else.
  std::string delegated_scope;
};

base::Result<Discovery> discover(const DiscoverOptions& options = {});

}  // namespace cgroups
