// base/file.hpp: whole-file reads, and private directories.
//
// Contract: read_file() reads to end of file (so /proc and /sys files, which report size 0,
// work), retries EINTR, and opens with O_CLOEXEC. With `max_bytes`, at most max_bytes + 1 bytes
// are read: a caller sees "too large" (size() > max_bytes) without reading an unbounded file.
// Errors read "read <file>: <strerror>" and carry the errno.
// ensure_private_dir() makes `dir` (mode 0700) unless it exists, then insists that it is a real
// directory (not a symlink) owned by the caller that no one else may enter: a rootless agent's
// socket lives there, and /tmp/batchlet-<uid> could have been made by someone else first.
#pragma once

#include <cstddef>
#include <filesystem>
#include <limits>
#include <string>

#include "base/result.hpp"

namespace base {

Result<std::string> read_file(const std::filesystem::path& file,
                              std::size_t max_bytes = std::numeric_limits<std::size_t>::max() - 1);

Status ensure_private_dir(const std::filesystem::path& dir);

}  // namespace base
