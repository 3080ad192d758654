#include "base/logging.hpp"

#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>

TEST_CASE("init_logging accepts spdlog level names and can run twice", "[unit]") {
  REQUIRE(base::init_logging("debug").ok());
  CHECK(spdlog::default_logger()->level() == spdlog::level::debug);
  REQUIRE(base::init_logging("off").ok());
  CHECK(spdlog::default_logger()->level() == spdlog::level::off);
}

TEST_CASE("init_logging rejects an unknown level by name", "[unit]") {
  auto s = base::init_logging("loud");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message() ==
        "unknown log level \"loud\": expected one of trace, debug, info, warn, error, off");
}
