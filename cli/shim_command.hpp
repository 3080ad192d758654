// cli/shim_command.hpp: `batchlet shim <state-dir>`, the per-container supervisor process.
//
// Contract: dispatched from main() before any other initialisation (no CLI11 parse, no logging
// setup), so the long-lived shim stays small. Started by runtime::start_container(), which
// passes the report pipe as descriptor 3.
#pragma once

namespace cli {

// Returns the process exit code; argv[1] is "shim".
int shim_command(int argc, char** argv);

}  // namespace cli
