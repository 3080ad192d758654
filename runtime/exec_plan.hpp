// runtime/exec_plan.hpp: the plan of the relay process that runs a command inside a running
// container (internal to runtime/container_exec.cpp; the script is in exec_child.cpp).
//
// Contract: the relay is a fork of the caller (no shared memory), born in the container's
// cgroup. It joins the container's namespaces through its pidfd, forks the program's process
// (which, being forked after setns, is in the container's pid namespace too) and that process
// runs spawn_child.cpp's run_program() with `program`. The relay keeps the first
// `buffer_size` bytes of the program's output (and drains the rest, so the program never
// blocks on a full pipe), kills the program's process group when `timeout_ms` passes, and then
// writes one ExecOutcome followed by the kept output to `result_fd`. Like the spawner's child
// it uses raw system calls only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/spawn_plan.hpp"

namespace runtime::detail {

enum class ExecEnd : std::uint32_t { exited = 1, signaled, timed_out };

struct ExecOutcome {
  std::uint32_t end = 0;    // ExecEnd
  std::int32_t status = 0;  // exited: the exit code; signaled: the signal
  std::uint32_t output_length = 0;
};

struct ExecPlan {
  ChildPlan program;  // stdout and stderr: output_write_fd; report_fd as for a spawn
  int target_pidfd = -1;
  int namespaces = 0;  // CLONE_NEW* flags to join
  int output_read_fd = -1;
  int output_write_fd = -1;
  int result_fd = -1;
  int timeout_ms = 1000;
  char* buffer = nullptr;  // the relay's own copy (it is a fork)
  std::size_t buffer_size = 0;
};

// The relay's script; returns its exit status.
int run_exec_relay(const ExecPlan& plan);

}  // namespace runtime::detail
