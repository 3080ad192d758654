// tests/runtime/seccomp_filter_test.cpp: compiling RuntimeDefault and Localhost profiles, and
// the errors of bad profiles.
#include "runtime/seccomp_filter.hpp"

#include <catch2/catch.hpp>

using runtime::compile_seccomp_profile;

TEST_CASE("RuntimeDefault compiles, and more capabilities mean fewer rules", "[unit]") {
  runtime::SeccompSpec spec;
  auto plain = runtime::compile_seccomp(spec, runtime::default_capabilities());
  REQUIRE(plain.ok());
  CHECK(!plain->empty());
  auto admin = runtime::compile_seccomp(spec, runtime::all_capabilities());
  REQUIRE(admin.ok());
  CHECK(admin->size() < plain->size());
  spec.kind = runtime::SeccompSpec::Kind::unconfined;
  CHECK(runtime::compile_seccomp(spec, 0).value().empty());
}

TEST_CASE("a Docker-format profile compiles, unknown syscalls are skipped", "[unit]") {
  auto program = compile_seccomp_profile(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [
      {"names": ["read", "write", "exit_group", "no_such_syscall"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
      {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}
    ]})",
                                         "p.json", runtime::default_capabilities());
  REQUIRE(program.ok());
  CHECK(!program->empty());
}

TEST_CASE("bad profiles name the file and the fault", "[unit]") {
  const auto caps = runtime::default_capabilities();
  CHECK(compile_seccomp_profile("{", "p.json", caps)
            .error()
            .message()
            .rfind("load seccomp profile p.json: [json.exception.parse_error", 0) == 0);
  CHECK(compile_seccomp_profile("[]", "p.json", caps).error().message() ==
        "load seccomp profile p.json: the profile is not a JSON object");
  CHECK(compile_seccomp_profile("{}", "p.json", caps).error().message() ==
        "load seccomp profile p.json: defaultAction is missing");
  CHECK(compile_seccomp_profile(R"({"defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOPE"}]})",
                                "p.json", caps)
            .error()
            .message() ==
        "load seccomp profile p.json: syscalls[0]: unknown seccomp action "
        "\"SCMP_ACT_NOPE\"");
  CHECK(compile_seccomp_profile(R"({"defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO",
                        "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_SOMETIMES"}]}]})",
                                "p.json", caps)
            .error()
            .message() ==
        "load seccomp profile p.json: syscalls[0]: unknown operator \"SCMP_CMP_SOMETIMES\"");
  CHECK(compile_seccomp_profile(R"({"defaultAction": "SCMP_ACT_ALLOW",
          "architectures": ["SCMP_ARCH_Z80"]})",
                                "p.json", caps)
            .error()
            .message() == "load seccomp profile p.json: unknown architecture \"SCMP_ARCH_Z80\"");
}
