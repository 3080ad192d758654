// cli/manifest.hpp: read a Job manifest file the way `batchlet run -f` needs it.
//
// Contract: returns the created Job (decoded, defaulted, prepared and validated, as the API
// server would store it) or one message per problem, each already in the form "<file>:<line>:
// <what>" (or "<file>: <what>" when no line applies), ready to print after "error: ".
#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "api/job.hpp"
#include "base/clock.hpp"

namespace cli {

using ManifestErrors = std::vector<std::string>;

std::variant<api::Job, ManifestErrors> load_job_manifest(const std::filesystem::path& file,
                                                         base::TimePoint now);

}  // namespace cli
