// cli/progress_mode.cpp: progress on a terminal, quiet when piped.
#include "cli/progress_mode.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace cli {

bool show_progress(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (const char* env = std::getenv("BATCHLET_PROGRESS")) {
    if (std::string_view(env) == "always") return true;
    if (std::string_view(env) == "never") return false;
  }
  return ::isatty(STDERR_FILENO) == 1;
}

}  // namespace cli
