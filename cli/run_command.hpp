// cli/run_command.hpp: `batchlet run -f FILE`: run one Job to its end on this machine without a
// running agent (daemonless): the same agent — store, Job controller, pod manager — runs inside
// this process on a private state directory (or --state-dir), and goes with it.
//
// Output: progress lines on stderr (pods created, containers started/terminated, the Job's
// counts, back-off countdowns; -q: none), the containers' output with --logs (stdout to stdout,
// stderr to stderr), then the final status line; -o json prints the finished Job to stdout.
//
// Exit codes: 0 the Job completed, 1 it failed, 2 the manifest or the command line is wrong,
// 125 batchlet itself failed, 130 interrupted (SIGINT/SIGTERM/SIGHUP; the pods are stopped with
// their grace period first).
//
// With --state-dir the Job and its pods stay in that directory's store afterwards (a later
// `batchlet serve --state-dir` shows them); a Job of the same name already there is an error.
// Without it, everything is removed at the end: pods, logs, cgroups, the directory.
#pragma once

#include <filesystem>
#include <string>

namespace cli {

struct RunOptions {
  std::filesystem::path file;
  bool quiet = false;               // no progress lines; the final status line is always printed
  std::string progress = "auto";    // progress lines: auto (on a terminal), always, never
  bool logs = false;                // stream the containers' output
  std::string output;               // "" or "json": also print the finished Job object to stdout
  std::filesystem::path state_dir;  // empty: a private temporary one
};

inline constexpr int kExitComplete = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 125;
inline constexpr int kExitInterrupted = 130;

int run_command(const RunOptions& options);

}  // namespace cli
