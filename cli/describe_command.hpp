// cli/describe_command.hpp: `batchlet describe job|pod NAME...`: kubectl describe's layout for the
// kinds batchlet runs (fields, the pod template or containers, then the object's events).
//
// Contract: the text is built client-side from the object and its events (fieldSelector on
// involvedObject name, namespace and uid), aligned by a tabwriter configured as kubectl's
// describe one (no minimum width, padding 2); times print as RFC 1123 with a numeric zone, event
// ages as "12s" or "12s (x3 over 1m)". Namespaces and events print their fields. A missing
// object is the server's NotFound in kubectl's words and exit 1.
#pragma once

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "cli/client_context.hpp"

namespace cli {

int describe_command(const ClientContext& context, const std::vector<std::string>& arguments);

// The description of `object` (a Job or Pod as the API returns it) with `events` (v1 Events),
// as of `now`; exposed for the unit tests.
std::string describe_text(const Kind& kind, const nlohmann::json& object,
                          const nlohmann::json& events, base::TimePoint now);

}  // namespace cli
