// agent/host_path.hpp: what the kubelet's hostPath volume plugin does before a hostPath is
// mounted: the `type` check, creating the path for the *OrCreate types.
//
// Contract (upstream pkg/volume/hostpath checkType):
// - ""                : nothing is checked (a missing path fails later, at the bind mount).
// - DirectoryOrCreate : a missing path is created as a directory, 0755, parents included; an
//                       existing one must be a directory.
// - Directory         : must exist and be a directory.
// - FileOrCreate      : a missing path is created as an empty file, 0644 (the parent must
//                       exist); an existing one must be a regular file.
// - File / Socket / CharDevice / BlockDevice : must exist and be of that kind.
// Symlinks are followed, as stat(2) does. Errors read like the kubelet's:
// "hostPath type check failed: /x is not a directory"; the caller reports them as the
// FailedMount event "MountVolume.SetUp failed for volume "<name>" : <error>" and retries.
#pragma once

#include <optional>
#include <string>

#include "base/result.hpp"

namespace agent {

base::Status set_up_host_path(const std::string& path, const std::optional<std::string>& type);

}  // namespace agent
