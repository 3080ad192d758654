// runtime/shim.hpp: the per-container supervisor (`batchlet shim <state-dir>`).
//
// Contract: run_shim() runs in a process already detached from the agent: start_container()
// spawns `batchlet shim` in a new session (vfork-style, so a big agent is not copied), and the
// shim calls detach_from_starter() first, whose fork leaves the shim nobody's child. It becomes a
// child subreaper, ignores SIGHUP and SIGPIPE, records its identity in state.json, starts the
// container through `spawner` with its stdout/stderr on pipes, and tells the starter on `report_fd`
// (one line, then EOF):
//   "started <container pid>\n"  or  "error <message>\n"
// It then writes the container's output to the CRI log (rotating it), takes stop requests
// ("stop <grace ns>\n" on the control fifo, or SIGTERM with the spec's grace: SIGTERM to the
// container's init, SIGKILL to all of it when the grace ends), and when init exits kills what
// is left, reaps every child (orphans included), writes exit.json atomically and returns 0. A
// start failure is recorded in exit.json too (exit code 128, start_error), like the kubelet's
// StartError. The shim survives the agent: nothing ties its life to its starter's.
#pragma once

#include <filesystem>

#include "runtime/spawner.hpp"

namespace runtime {

int run_shim(const std::filesystem::path& state_dir, int report_fd, const Spawner& spawner);

// Forks; the parent exits at once (its starter reaps it) and the child returns, orphaned. On a
// failed fork, reports "error ..." on `report_fd` and exits 1.
void detach_from_starter(int report_fd);

}  // namespace runtime
