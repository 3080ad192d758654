// tests/systemd/transient_scope_test.cpp: the scope batchlet's pods live in under systemd is
// named after the agent's own service and placed in its slice. (Starting a scope needs systemd
// as PID 1: tests/vm/systemd-service.sh does that for real.)
#include "systemd/transient_scope.hpp"

#include <catch2/catch.hpp>

using systemd::pods_scope_for;

TEST_CASE("the pods' scope is named after the service and goes in its slice", "[unit]") {
  const systemd::ScopePlace place = pods_scope_for("/system.slice/batchlet.service");
  CHECK(place.name == "batchlet-pods.scope");
  CHECK(place.slice == "system.slice");
}

TEST_CASE("a template instance's scope is no template", "[unit]") {
  const systemd::ScopePlace place = pods_scope_for("/system.slice/batchlet@alice.service");
  CHECK(place.name == "batchlet-alice-pods.scope");
  CHECK(place.slice == "system.slice");
}

TEST_CASE("nested slices: the innermost is the scope's slice", "[unit]") {
  const systemd::ScopePlace place =
      pods_scope_for("/user.slice/user-1000.slice/user@1000.service/app.slice/batchlet.service");
  CHECK(place.name == "batchlet-pods.scope");
  CHECK(place.slice == "app.slice");
}

TEST_CASE("a cgroup that is no service's has no pods' scope", "[unit]") {
  CHECK(pods_scope_for("/").name.empty());
  CHECK(pods_scope_for("/init.scope").name.empty());
  CHECK(pods_scope_for("/system.slice/session-1.scope").name.empty());
  CHECK(pods_scope_for("/system.slice/.service").name.empty());
  CHECK(pods_scope_for("").name.empty());
}

TEST_CASE("a service outside any slice gets systemd's default slice", "[unit]") {
  const systemd::ScopePlace place = pods_scope_for("/batchlet.service");
  CHECK(place.name == "batchlet-pods.scope");
  CHECK(place.slice.empty());
}
