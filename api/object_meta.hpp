// api/object_meta.hpp: meta/v1 ObjectMeta, the metadata every object batchlet serves carries.
//
// Field names follow the Kubernetes API (camelCase in JSON, snake_case here); "unset" and "empty"
// coincide for every field here, as they do under the API's omitempty rules.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"

namespace api {

using Labels = std::map<std::string, std::string>;

// An object this one depends on; the garbage collector deletes dependents of deleted owners.
struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;
};

struct ObjectMeta {
  std::string name;
  std::string generate_name;
  std::string namespace_;  // "namespace" in JSON
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  Labels labels;
  Labels annotations;
  std::vector<OwnerReference> owner_references;
  std::vector<std::string> finalizers;
  std::optional<base::TimePoint> creation_timestamp;
  std::optional<base::TimePoint> deletion_timestamp;
  std::optional<std::int64_t> deletion_grace_period_seconds;
};

}  // namespace api
