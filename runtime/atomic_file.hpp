// runtime/atomic_file.hpp: replace a small file so that readers see either the old or the new
// content, never a mix, and the new content survives a crash once the call returns.
//
// Contract: writes <file>.tmp, fsyncs it, renames it over <file> and fsyncs the directory (the
// crun/LevelDB recipe). A reader never sees a partial <file>; a crash may leave a stale
// <file>.tmp, which the next write replaces.
#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.hpp"

namespace runtime {

base::Status write_file_atomically(const std::filesystem::path& file, std::string_view content);

}  // namespace runtime
