// runtime/shim_client.hpp: the agent's side of the shim: start a container under its own
// shim, ask it to stop, learn how it ended, and find running containers again after a restart
// (Mesos-style recover()).
//
// Contract:
// - start_container() prepares the state directory (spec.json, shim.json; a previous run's
//   state.json/exit.json are removed), spawns `<shim_binary> shim <state-dir>` in its own session
//   with posix_spawn (vfork-style: the agent's memory is not copied, and nothing but the
//   spawn's own steps runs before the exec, so it is safe in a multi-threaded agent); the shim
//   forks itself away (detach_from_starter), so it is no child of the caller and outlives it.
//   Returns once the container runs, or with the precise start error (which the shim also
//   records in exit.json).
// - A ContainerHandle's shim_pidfd polls readable once the shim has exited; then
//   collect_exit() returns the exit status, or an error saying the container was lost (the shim
//   died without recording one).
// - stop_container() asks the shim for SIGTERM now and SIGKILL after `grace`; it returns at
//   once (wait on the pidfd). A shorter grace in a later request wins.
// - recover_container() never signals anything; pids are trusted only with their recorded
//   start times (no pid-reuse races).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "runtime/container_spec.hpp"
#include "runtime/container_state.hpp"

namespace runtime {

struct StartRequest {
  std::filesystem::path state_dir;  // pods/<pod-uid>/<container>/, created if missing
  ContainerSpec spec;
  ShimOptions options;
  std::filesystem::path shim_binary = "/proc/self/exe";  // a batchlet binary
};

struct ContainerHandle {
  std::filesystem::path state_dir;
  pid_t shim_pid = 0;
  // Polls readable once the shim exited: then collect_exit(). (When the shim was already gone
  // at start, an eventfd that is readable at once.)
  base::UniqueFd shim_pidfd;
  pid_t container_pid = 0;  // 0 when recovered while the shim was still starting it
  base::TimePoint started_at;
};

base::Result<ContainerHandle> start_container(const StartRequest& request);

base::Status stop_container(const ContainerHandle& handle, base::Duration grace);

// After the shim exited: its exit status, or "container lost: ..." when it recorded none.
base::Result<ExitStatus> collect_exit(const ContainerHandle& handle);

// Blocks until the shim exits (or `cancel_fd`, if >= 0, becomes readable: then std::nullopt).
base::Result<std::optional<ExitStatus>> wait_container(const ContainerHandle& handle,
                                                       int cancel_fd = -1);

struct RecoveredContainer {
  enum class State { running, exited, lost };
  State state = State::lost;
  std::filesystem::path state_dir;
  std::optional<ContainerHandle> handle;  // running
  std::optional<ExitStatus> exit;         // exited
  std::string lost_reason;                // lost
};

base::Result<RecoveredContainer> recover_container(const std::filesystem::path& state_dir);

// Every container state directory under pods/ (pods/<pod-uid>/<container>/ holding a
// spec.json), recovered. A directory that cannot be read is reported as lost, with the reason.
base::Result<std::vector<RecoveredContainer>> recover_containers(
    const std::filesystem::path& pods_dir);

}  // namespace runtime
