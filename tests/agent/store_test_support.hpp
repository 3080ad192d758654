// tests/agent/store_test_support.hpp: shared pieces of the store tests.
#pragma once

#include <string>

#include "agent/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace store_test {

using test_support::TempDir;

// A Render writing {"name":"<name>","rv":"<resourceVersion>"}, so tests can see which version an
// object was stored with.
inline agent::Render json_at(const std::string& name) {
  return [name](agent::ResourceVersion rv) {
    std::string json = R"({"name":")";
    json += name;
    json += R"(","rv":")";
    json += std::to_string(rv);
    json += R"("})";
    return json;
  };
}

}  // namespace store_test
