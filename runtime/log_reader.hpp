// runtime/log_reader.hpp: read a CRI-format container log the way `kubectl logs` shows it.
//
// Contract (kubelet's ReadLogs semantics): each record's content is written to the sink, a full
// record followed by "\n", a partial one without; with `timestamps`, each record is prefixed by
// its time and a space (RFC 3339 with nine fractional digits: the kubelet's RFC3339NanoFixed).
// `tail_lines` starts at the N-th record from the end (counted before `since` filters); `since`
// drops records older than it; `limit_bytes` stops after that many bytes of output (mid-line if
// need be). `previous` is the caller's business: it passes the previous restart's file. Malformed
// lines are skipped. Only the live file is read (rotated files are not, as with the kubelet).
//
// With `follow`, reading continues as the file grows and across rotations (the old file is
// drained, then the new N.log is opened) until `cancel_fd` becomes readable, the sink fails, or
// `writer_done()` says no more records will come and everything written has been read. For a
// container's live log, writer_done is "its shim has exited":
//   [&] { return runtime::pidfd_exited(handle.shim_pidfd.get()); }
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "base/clock.hpp"
#include "base/result.hpp"

namespace runtime {

struct LogReadOptions {
  std::optional<std::int64_t> tail_lines;  // absent or negative: all
  std::optional<base::TimePoint> since;
  bool timestamps = false;
  std::optional<std::int64_t> limit_bytes;  // absent or <= 0: unlimited
  bool follow = false;
  bool include_stdout = true;
  bool include_stderr = true;
};

// Receives output; an error stops reading and is returned from read_logs().
using LogSink = std::function<base::Status(std::string_view)>;

struct FollowControl {
  int cancel_fd = -1;                 // readable: stop
  std::function<bool()> writer_done;  // empty: follow until cancelled
};

base::Status read_logs(const std::filesystem::path& log, const LogReadOptions& options,
                       const LogSink& sink, const FollowControl& control = {});

// The last `max_lines` lines of output of a log, then at most its last `max_bytes` bytes: the
// kubelet's FallbackToLogsOnError message (80 lines, 2048 bytes).
base::Result<std::string> last_log_output(const std::filesystem::path& log, std::int64_t max_lines,
                                          std::size_t max_bytes);

}  // namespace runtime
