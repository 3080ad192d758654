// cli/serve_config.hpp: `batchlet serve`'s settings from a file (/etc/batchlet/config.yaml by
// default), under the flags: a flag given on the command line wins over the file, the file
// over the defaults.
//
// Contract:
// - apply_config_file() reads a YAML (or JSON) mapping and sets the options it names. Keys:
//   stateDir, runDir, listen, nodeName, cgroups, cgroupTree, podBackoffBase, podBackoffCap,
//   containerBackoffBase, containerBackoffCap, podEventBatch (durations: a number of seconds or
//   a Go duration such as "10s", "6m", "1m30s", "500ms"), evictOnShutdown, insecureRegistries
//   (a list of HOST[:PORT]), containerLogMaxSize (a quantity: "10Mi"), containerLogMaxFiles,
//   podPidsLimit, userMaxPods, userMaxJobs, userMaxMemory, userMaxCPU (quantities: "4Gi",
//   "1500m"; empty: no limit), userHostPaths (a list of absolute paths). An unknown key, a value of
//   the wrong type or out of range is an Error naming the file and the key
//   (`/etc/batchlet/config.yaml: podBackoffCap: invalid duration "6x"`); nothing is applied then.
// - A missing file is not an error when `required` is false (the default path: batchlet runs
//   without one), and is one when the path was given (--config).
// - parse_go_duration() is Go's time.ParseDuration for non-negative values.
// - quota_quantity_error() is why `text` is no user quota (--user-max-memory, --user-max-cpu):
//   not a quantity (`invalid quantity "4X": <upstream's parse error>`) or negative; nullopt
//   when it is one, or empty (no limit).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "cli/serve_command.hpp"

namespace cli {

base::Status apply_config_text(std::string_view text, const std::string& source,
                               ServeOptions& options);
base::Status apply_config_file(const std::filesystem::path& file, bool required,
                               ServeOptions& options);

std::optional<double> parse_go_duration(std::string_view text);  // seconds

std::optional<std::string> quota_quantity_error(const std::string& text);

}  // namespace cli
