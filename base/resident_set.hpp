// base/resident_set.hpp: give back the pages start-up alone needed.
//
// Contract: trim_resident_set() unmaps the resident pages of every read-only file mapping of
// this process that holds no page it modified (its content is the file's, so a later touch maps
// the same bytes again from the page cache), then returns free heap to the kernel. Writable
// mappings and mappings with private copies (relocated data) are left alone, so it is safe
// while other threads run. For long idle processes after start-up: the shim, the agent.
#pragma once

namespace base {

void trim_resident_set();

}  // namespace base
