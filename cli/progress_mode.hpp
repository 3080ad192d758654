// cli/progress_mode.hpp: whether a long operation (`batchlet run`, `batchlet image pull`) prints
// its progress lines on stderr.
//
// Contract: "always" and "never" say so; "auto" (the default) takes $BATCHLET_PROGRESS when it
// is "always" or "never", else prints progress only when stderr is a terminal: a person watching
// sees it, a script piping the output gets only results and errors.
#pragma once

#include <string>
#include <vector>

namespace cli {

inline const std::vector<std::string> kProgressModes = {"auto", "always", "never"};

bool show_progress(const std::string& mode);

}  // namespace cli
