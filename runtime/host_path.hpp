// runtime/host_path.hpp: the kubelet's hostPath `type` checks, done before a host path is
// bind-mounted into a container.
//
// Contract: check_host_path() returns the kubelet's error text byte for byte
// (`hostPath type check failed: /x is not a directory`). The *OrCreate types create what is
// missing the way the kubelet does (a directory tree with mode 0755; a file with mode 0644
// whose parent must exist) and then check it. `unset` checks nothing.
#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.hpp"

namespace runtime {

enum class HostPathType {
  unset,
  directory_or_create,
  directory,
  file_or_create,
  file,
  socket,
  char_device,
  block_device,
};

// "DirectoryOrCreate", "Directory", ... ("" is unset); an Error for anything else.
base::Result<HostPathType> parse_host_path_type(std::string_view name);

base::Status check_host_path(const std::filesystem::path& path, HostPathType type);

}  // namespace runtime
