// runtime/proc_identity.hpp: name a process that is not our child without pid-reuse races.
//
// A pid alone can be recycled; (pid, start time) cannot, within one boot. The start time is
// field 22 of /proc/<pid>/stat (clock ticks since boot). Contract of open_verified_pidfd():
// the pidfd is opened first and the start time checked after, so a returned pidfd refers to the
// very process that was recorded; a recycled or vanished pid is an error (sys_errno() ESRCH).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace runtime {

base::Result<std::uint64_t> process_start_ticks(pid_t pid);

base::Result<base::UniqueFd> open_verified_pidfd(pid_t pid, std::uint64_t start_ticks);

// True once the process behind `pidfd` has exited (its pidfd polls readable).
bool pidfd_exited(int pidfd);

}  // namespace runtime
