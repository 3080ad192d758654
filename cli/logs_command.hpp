// cli/logs_command.hpp: `batchlet logs [-f] [-c NAME] [--tail N] [--previous] [--timestamps]
// POD|pod/NAME|job/NAME` and `batchlet wait --for=condition=C|delete [--timeout=30s] job/NAME`.
//
// Contract (kubectl's): logs of job/NAME read one of its pods, a running one first, else the
// oldest, saying "Found N pods, using pod/X" on stderr when there are several; a pod with several
// containers and no -c uses the first, saying "Defaulted container ...". -f streams until the
// container ends. wait prints "job.batch/pi condition met" (or "deleted") and exits 0, or
// "error: timed out waiting for the condition on jobs/pi" and exits 1.
#pragma once

#include <string>

#include "cli/client_context.hpp"

namespace cli {

struct LogsOptions {
  std::string target;
  std::string container;
  bool follow = false;
  bool previous = false;
  bool timestamps = false;
  long tail = -1;
};

int logs_command(const ClientContext& context, const LogsOptions& options);

struct WaitOptions {
  std::vector<std::string> targets;
  std::string condition;  // --for
  std::string timeout = "30s";
};

int wait_command(const ClientContext& context, const WaitOptions& options);

}  // namespace cli
