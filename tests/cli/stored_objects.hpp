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

}  // namespace cli_test
