// cli/get_command.hpp: `batchlet get KIND [NAME...] [-o wide|yaml|json|name] [-l SEL] [-w]` and
// `batchlet events`, printed as kubectl prints them.
//
// Contract: tables come from the server (`as=Table`), so the columns are the API's (spec §8) and
// match `kubectl get`; -o json/yaml print the object, or a `List` of the objects (kind and
// apiVersion restored on each item, as kubectl does); -o name prints "job.batch/NAME". Nothing
// found prints kubectl's "No resources found in NS namespace." on stderr and exits 0. -w prints
// the current state, then one line per change until interrupted or the server ends the watch.
#pragma once

#include <string>
#include <vector>

#include "cli/client_context.hpp"

namespace cli {

struct GetOptions {
  std::vector<std::string> arguments;  // KIND [NAME...] or KIND/NAME...
  std::string output;                  // "", wide, yaml, json, name
  std::string selector;                // -l
  std::string field_selector;          // --field-selector
  bool watch = false;
  bool no_headers = false;
  bool show_labels = false;
};

int get_command(const ClientContext& context, const GetOptions& options);

// The kubectl-style rendering of one object or list in `output` (yaml, json, name); shared with
// apply/create -o.
std::string render_objects(const Kind& kind, const nlohmann::json& value,
                           const std::string& output);

}  // namespace cli
