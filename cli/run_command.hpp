// cli/run_command.hpp: `batchlet run -f FILE`: run one Job to its end without an agent.
//
// Exit codes: 0 the Job completed, 1 it failed, 2 the manifest or the command line is wrong,
// 125 batchlet itself failed, 130 interrupted (SIGINT/SIGTERM/SIGHUP; the pod is stopped first).
#pragma once

#include <filesystem>
#include <string>

namespace cli {

struct RunOptions {
  std::filesystem::path file;
  bool quiet = false;  // no progress lines; the final status line is always printed
  std::string output;  // "" or "json": also print the finished Job object to stdout
};

inline constexpr int kExitComplete = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 125;
inline constexpr int kExitInterrupted = 130;

int run_command(const RunOptions& options);

}  // namespace cli
