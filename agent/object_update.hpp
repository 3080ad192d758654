// agent/object_update.hpp: the agent's read-modify-write of one stored object — the API's
// (api/object_update.hpp, whose contract holds) plus the side record the Job controller writes
// in the same transaction as the object (agent/store.hpp).
#pragma once

#include <optional>
#include <string>

#include "agent/store.hpp"
#include "api/object_update.hpp"

namespace agent {

using api::deletion_complete;
using api::kMaxUpdateAttempts;
using api::Mutation;
using api::render_with_version;
using api::UpdatedObject;

base::Result<std::optional<UpdatedObject>> update_object(
    Store& store, const ObjectKey& key, const std::optional<std::string>& uid,
    const std::function<Mutation(nlohmann::ordered_json&)>& mutate,
    const std::optional<std::string>& side_record = std::nullopt);

}  // namespace agent
