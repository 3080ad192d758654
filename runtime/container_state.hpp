// runtime/container_state.hpp: what a container's state directory holds besides its spec, and
// how each file is read and written (layout: base::ContainerStatePaths).
//
//   shim.json   ShimOptions: written by the starter before the shim runs
//   state.json  ShimState: written by the shim once the container runs (pids + start times)
//   exit.json   ExitStatus: written by the shim when the container has ended
//
// Contract: every file is written with write_file_atomically(), so a reader sees a whole file
// or none; read_exit_status() returns std::nullopt when there is no exit.json yet. Times are
// RFC 3339 with nanoseconds. Termination messages follow the kubelet: at most the last 4096
// bytes of the file; with FallbackToLogsOnError and a failed container and no message, the last
// 80 lines of the log capped at 2048 bytes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "base/clock.hpp"
#include "base/owned_child.hpp"
#include "base/result.hpp"
#include "runtime/cri_log.hpp"

namespace runtime {

// kubelet: MaxContainerTerminationMessageLength, ...LogLines, ...LogLength.
inline constexpr std::size_t kMaxTerminationMessageBytes = 4096;
inline constexpr std::int64_t kFallbackLogLines = 80;
inline constexpr std::size_t kFallbackLogBytes = 2048;

struct ShimOptions {
  LogRotation log_rotation;
  // The host path of the file the container sees at its terminationMessagePath; empty: none.
  std::filesystem::path termination_message_file;
  bool fallback_to_logs_on_error = false;
};

struct ShimState {
  pid_t shim_pid = 0;
  std::uint64_t shim_start_ticks = 0;  // /proc/<pid>/stat field 22
  pid_t container_pid = 0;
  std::uint64_t container_start_ticks = 0;
  base::TimePoint started_at;
};

struct ExitStatus {
  base::ProcessExit exit;                     // the code is 128 when the process never ran
  std::optional<base::TimePoint> started_at;  // absent when the process never ran
  base::TimePoint finished_at;
  std::string start_error;  // non-empty when starting failed ("exec \"/x\": No such file ...")
  std::string message;      // the termination message
};

base::Status write_shim_options(const std::filesystem::path& file, const ShimOptions& o);
base::Result<ShimOptions> read_shim_options(const std::filesystem::path& file);

base::Status write_shim_state(const std::filesystem::path& file, const ShimState& s);
base::Result<std::optional<ShimState>> read_shim_state(const std::filesystem::path& file);

base::Status write_exit_status(const std::filesystem::path& file, const ExitStatus& e);
base::Result<std::optional<ExitStatus>> read_exit_status(const std::filesystem::path& file);

// The termination message for a container that ended with `exit`: the last 4096 bytes of
// `message_file` (if given and readable), else, with `fallback_to_logs` and a failure, the
// tail of `log`.
std::string termination_message(const std::filesystem::path& message_file, bool fallback_to_logs,
                                const base::ProcessExit& exit, const std::filesystem::path& log);

}  // namespace runtime
