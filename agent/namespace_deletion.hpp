// agent/namespace_deletion.hpp: what the namespace controller does for a namespace being
// deleted (the API marked it Terminating): delete everything in it, then the namespace.
//
// Contract: finalize_namespace() deletes the namespace's Jobs (Background: the garbage
// collector then deletes their pods gracefully), deletes its pods gracefully (their containers
// get their grace period) and removes its Events; once none of them is left it removes the
// namespace itself and returns true. Each call does what it can and is repeated by the agent
// loop until it returns true; errors are store failures (retried on the next round).
#pragma once

#include <string>

#include "agent/store.hpp"
#include "base/clock.hpp"

namespace agent {

base::Result<bool> finalize_namespace(Store& store, const base::Clock& clock,
                                      const std::string& name);

}  // namespace agent
