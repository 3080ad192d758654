// runtime/supervise.hpp: watch a running host process: forward its output, notice its exit, a
// deadline or a cancellation, and stop it gracefully.
//
// Contract: the process's main program defines its lifetime, as in a container: when it exits,
// whatever it left running in its process group is killed (before the main process is reaped,
// so the group id cannot have been recycled). Output is forwarded in arrival order per stream.
#pragma once

#include <optional>
#include <string_view>

#include "base/clock.hpp"
#include "base/owned_child.hpp"
#include "runtime/host_process.hpp"

namespace runtime {

enum class Stream { out, err };

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void write(Stream stream, std::string_view data) = 0;
};

enum class WaitOutcome { exited, deadline, cancelled };

struct WaitResult {
  WaitOutcome outcome;
  std::optional<base::ProcessExit> exit;  // set when outcome == exited
};

// Forwards output until the process exits, `deadline` passes (checked against `clock`), or
// `cancel_fd` (if >= 0) becomes readable.
base::Result<WaitResult> supervise(HostProcess& process, OutputSink& sink, const base::Clock& clock,
                                   std::optional<base::TimePoint> deadline, int cancel_fd);

// SIGTERM to the process group, up to `grace` for it to exit (output still forwarded), then
// SIGKILL. Returns how the main process ended.
base::Result<base::ProcessExit> terminate(HostProcess& process, OutputSink& sink,
                                          const base::Clock& clock, base::Duration grace);

}  // namespace runtime
