#include "base/error.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "base/result.hpp"

TEST_CASE("errors read from the outermost context inwards", "[unit]") {
  const base::Error inner = base::Error::from_errno("mkdir /x", EACCES);
  CHECK(inner.message() == "mkdir /x: Permission denied");
  CHECK(inner.context("create cgroup /x").message() ==
        "create cgroup /x: mkdir /x: Permission denied");
  CHECK(base::Error("No such file").context("open /x").context("load").message() ==
        "load: open /x: No such file");
}

TEST_CASE("the errno of an error survives added context", "[unit]") {
  CHECK(base::Error::from_errno("mkdir /x", EACCES).context("setup").sys_errno() == EACCES);
  const base::Error full = base::Error::with_errno("database or disk is full", ENOSPC);
  CHECK(full.message() == "database or disk is full");
  CHECK(full.context("write job").sys_errno() == ENOSPC);
  CHECK(base::Error("plain").sys_errno() == 0);
}

TEST_CASE("Result holds a value or an error", "[unit]") {
  base::Result<std::string> good = std::string("value");
  REQUIRE(good.ok());
  CHECK(*good == "value");
  CHECK(good->size() == 5);

  base::Result<std::string> bad = base::Error("broken");
  REQUIRE_FALSE(bad.ok());
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(bad.error().message() == "broken");

  base::Result<std::string> moved_from = std::string("move me");
  const std::string taken = std::move(moved_from).value();
  CHECK(taken == "move me");
}

TEST_CASE("Status is success by default and carries an error otherwise", "[unit]") {
  base::Status fine;
  CHECK(fine.ok());
  base::Status failed = base::Error("nope");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message() == "nope");
}
