// tests/cli/stored_objects.hpp: what a state directory's store holds, read the way a second
// process would (the agent may be gone, or still running: SQLite WAL readers do not block it).
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/store.hpp"

namespace cli_test {

inline std::vector<nlohmann::json> stored_objects(const std::filesystem::path& state_dir,
                                                  const std::string& resource) {
  auto store = agent::Store::open(state_dir / "state.db");
  REQUIRE(store.ok());
  auto listed = (*store)->list(resource, std::nullopt);
  REQUIRE(listed.ok());
  std::vector<nlohmann::json> out;
  for (const auto& o : listed->objects) out.push_back(nlohmann::json::parse(o.json));
  return out;
}

// The object's condition of `type` when its status is True; nullptr otherwise.
inline const nlohmann::json* true_condition(const nlohmann::json& object, const std::string& type) {
  const auto status = object.find("status");
  if (status == object.end() || !status->is_object()) return nullptr;
  const auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array()) return nullptr;
  for (const auto& c : *conditions) {
    if (c.value("type", "") == type && c.value("status", "") == "True") return &c;
  }
  return nullptr;
}

// A Job has finished once its Complete or Failed condition is True.
inline bool job_finished(const nlohmann::json& job) {
  return true_condition(job, "Complete") != nullptr || true_condition(job, "Failed") != nullptr;
}

}  // namespace cli_test
