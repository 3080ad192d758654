// cli/host_report.hpp: what this host offers batchlet, for `batchlet info`: kernel, cgroups
// (cgroups/discovery.hpp's decision for the agent's tree), seccomp, user namespaces, overlayfs,
// and whether systemd runs the machine.
//
// Contract: read-only (files under /proc and /sys, the cgroup discovery); each line is
// "name: finding", and a capability that could not be checked says why instead of failing.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cli {

std::vector<std::pair<std::string, std::string>> host_report(const std::string& cgroup_tree);

}  // namespace cli
