// cli/log_streamer.hpp: `batchlet run --logs`: the output of a Job's containers, followed live
// from their CRI log files onto this terminal (stdout records to stdout, stderr to stderr).
//
// Contract:
// - update() is called from the agent's loop with the Job's pods; every container run it has not
//   seen yet (pod uid, container, restart count) gets a follower, also earlier runs it missed; a
//   run is marked ended once the pod's status shows it terminated (or restarted, or the pod is
//   gone), after which its follower drains the file and stops.
// - finish() marks every run ended and waits until all output is written; the destructor
//   cancels the followers that are left and joins them. Nothing is printed twice.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "agent/informer.hpp"
#include "base/paths.hpp"
#include "base/unique_fd.hpp"

namespace cli {

class LogStreamer {
 public:
  explicit LogStreamer(base::Paths paths);
  ~LogStreamer();
  LogStreamer(const LogStreamer&) = delete;
  LogStreamer& operator=(const LogStreamer&) = delete;

  void update(const std::vector<const agent::CachedPod*>& pods);
  void finish();

 private:
  struct Run {
    std::atomic<bool> ended{false};
    std::vector<std::thread> threads;
  };
  using RunKey = std::tuple<std::string, std::string, std::int32_t>;  // pod uid, container, restart

  void follow(const agent::CachedPod& pod, const std::string& container, std::int32_t restart,
              bool ended);

  base::Paths paths_;
  base::UniqueFd cancel_read_;
  base::UniqueFd cancel_write_;
  std::map<RunKey, std::unique_ptr<Run>> runs_;
};

}  // namespace cli
