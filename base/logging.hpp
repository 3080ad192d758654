// base/logging.hpp: process-wide logging setup (spdlog).
//
// Log lines are structured text: "<time> <level> <message> key=value ...". Logs go to stderr so
// that stdout stays for a command's own output (job logs, tables). The systemd folder adds a
// journald sink when batchlet runs as a service.
#pragma once

#include <string_view>

#include "base/result.hpp"

namespace base {

// Sets the default logger to stderr at `level` ("trace", "debug", "info", "warn", "error",
// "off"). An unknown level name is an error naming it.
Status init_logging(std::string_view level);

}  // namespace base
