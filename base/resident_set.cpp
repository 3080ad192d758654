#include "base/resident_set.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "base/file.hpp"

namespace base {

void trim_resident_set() {
  auto smaps = read_file("/proc/self/smaps", 8 << 20);
  if (!smaps) return;
  struct Range {
    std::uintptr_t start = 0, end = 0;
    bool trimmable = false;
    bool modified = false;
  };
  std::vector<Range> ranges;
  std::size_t pos = 0;
  while (pos < smaps->size()) {
    const auto nl = smaps->find('\n', pos);
    const std::string_view line(smaps->data() + pos,
                                (nl == std::string::npos ? smaps->size() : nl) - pos);
    pos = nl == std::string::npos ? smaps->size() : nl + 1;
    unsigned long start = 0, end = 0, inode = 0;
    char perms[8] = {};
    int name_at = 0;
    const std::string copy(line);
    if (std::sscanf(copy.c_str(), "%lx-%lx %7s %*s %*s %lu %n", &start, &end, perms, &inode,
                    &name_at) >= 4 &&
        line.find('-') < line.find(' ')) {
      Range r;
      r.start = start;
      r.end = end;
      // A writable mapping could get its first private page from another thread at any
      // moment: only mappings nobody can write are candidates.
      r.trimmable = inode != 0 && name_at > 0 && copy[static_cast<std::size_t>(name_at)] == '/' &&
                    perms[1] != 'w';
      ranges.push_back(r);
      continue;
    }
    if (ranges.empty()) continue;
    unsigned long kb = 0;
    // Pages written in a private file mapping (relocations before RELRO) are copies, counted
    // as Anonymous; Private_Dirty alone also counts page-cache pages not yet written back.
    if (std::sscanf(copy.c_str(), "Anonymous: %lu kB", &kb) == 1 && kb != 0) {
      ranges.back().modified = true;
    }
  }
  for (const Range& r : ranges) {
    if (!r.trimmable || r.modified) continue;
    void* at = reinterpret_cast<void*>(r.start);
    // MADV_RANDOM also turns off fault-around, which would map 64 KiB around every later touch.
    ::madvise(at, r.end - r.start, MADV_RANDOM);
    ::madvise(at, r.end - r.start, MADV_DONTNEED);
  }
  ::malloc_trim(0);
}

}  // namespace base
