// tests/runtime/capabilities_test.cpp: capability names and containerd's resolution order.
#include "runtime/capabilities.hpp"

#include <linux/capability.h>

#include <catch2/catch.hpp>

using runtime::CapabilitySet;

namespace {
CapabilitySet bit(int cap) { return CapabilitySet{1} << cap; }
}  // namespace

TEST_CASE("the container default set is containerd's fourteen capabilities", "[unit]") {
  // Docker and containerd print it as 00000000a80425fb.
  CHECK(runtime::default_capabilities() == 0xa80425fbULL);
}

TEST_CASE("capability names with or without CAP_, in any case", "[unit]") {
  CHECK(runtime::capability_number("NET_ADMIN").value() == CAP_NET_ADMIN);
  CHECK(runtime::capability_number("cap_sys_admin").value() == CAP_SYS_ADMIN);
  CHECK(runtime::capability_number("CAP_FLY").error().message() ==
        "unknown capability \"CAP_FLY\"");
}

TEST_CASE("add and drop follow containerd's order", "[unit]") {
  const auto defaults = runtime::default_capabilities();
  CHECK(runtime::resolve_capabilities(false, {"NET_ADMIN"}, {"CHOWN"}).value() ==
        ((defaults | bit(CAP_NET_ADMIN)) & ~bit(CAP_CHOWN)));
  CHECK(runtime::resolve_capabilities(false, {"NET_BIND_SERVICE"}, {"ALL"}).value() ==
        bit(CAP_NET_BIND_SERVICE));
  CHECK(runtime::resolve_capabilities(false, {"ALL"}, {"KILL"}).value() ==
        (runtime::all_capabilities() & ~bit(CAP_KILL)));
  CHECK(runtime::resolve_capabilities(true, {}, {}).value() == runtime::all_capabilities());
  CHECK(runtime::resolve_capabilities(false, {"KILL"}, {"KILL"}).value() ==
        (defaults & ~bit(CAP_KILL)));
  CHECK(runtime::resolve_capabilities(false, {}, {"nope"}).error().message() ==
        "drop capability: unknown capability \"CAP_NOPE\"");
}
