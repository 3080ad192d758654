// Unit tests of the container state files: spec JSON round trip and errors, shim state and exit
// status round trips, termination messages (file tail, FallbackToLogsOnError).
#include "runtime/container_state.hpp"

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "base/file.hpp"
#include "runtime/container_spec_json.hpp"
#include "runtime/timestamp.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;

namespace {

runtime::ContainerSpec full_spec() {
  runtime::ContainerSpec s;
  s.id = "pod-1234_main";
  s.argv = {"sh", "-c", "echo \"hi\"\n", "ünïcode"};
  s.env = {"PATH=/bin", "EMPTY="};
  s.cwd = "/work";
  s.uid = 1000;
  s.gid = 100;
  s.supplementary_groups = {4, 27};
  s.user_name = "nobody";
  s.run_as_non_root = true;
  s.hostname = "pi-abcde";
  s.host_network = false;
  s.rootfs.kind = runtime::RootfsSpec::Kind::overlay;
  s.rootfs.lower_dirs = {"/l/2", "/l/1"};
  s.rootfs.upper_dir = "/u";
  s.rootfs.work_dir = "/w";
  s.rootfs.directory = "/d";
  s.rootfs.read_only = true;
  runtime::MountSpec tmp;
  tmp.kind = runtime::MountSpec::Kind::tmpfs;
  tmp.destination = "/cache";
  tmp.tmpfs_size_bytes = 1 << 20;
  runtime::MountSpec bind;
  bind.source = "/host/data";
  bind.destination = "/data";
  bind.read_only = true;
  s.mounts = {tmp, bind};
  s.privileged = true;
  s.capabilities_add = {"NET_ADMIN"};
  s.capabilities_drop = {"ALL"};
  s.seccomp.kind = runtime::SeccompSpec::Kind::localhost;
  s.seccomp.localhost_profile = "/profiles/p.json";
  s.no_new_privs = false;
  s.rlimits = {{RLIMIT_NOFILE, 1024, 4096}};
  s.cgroup_dir = "/sys/fs/cgroup/batchlet/pod";
  s.log_path = "/var/lib/batchlet/logs/x/0.log";
  s.termination_message_path = "/dev/termination-log";
  s.stop_grace_period = 1500ms;
  return s;
}

}  // namespace

TEST_CASE("a container spec survives a JSON round trip", "[unit]") {
  const auto spec = full_spec();
  const std::string text = runtime::container_spec_to_json(spec);
  auto back = runtime::container_spec_from_json(text);
  REQUIRE(back.ok());
  CHECK(runtime::container_spec_to_json(*back) == text);
  CHECK(back->argv == spec.argv);
  CHECK(back->mounts.size() == 2);
  CHECK(back->mounts[0].tmpfs_size_bytes == std::optional<std::uint64_t>(1 << 20));
  CHECK_FALSE(back->mounts[1].tmpfs_size_bytes.has_value());
  CHECK(back->stop_grace_period == 1500ms);
  CHECK(back->rlimits[0].hard == 4096);
  CHECK(back->user_name == std::optional<std::string>("nobody"));
  // The defaults differ from full_spec() in every field, so a dropped field would show here.
  CHECK(runtime::container_spec_to_json(runtime::ContainerSpec{}) != text);
  auto defaults = runtime::container_spec_from_json("{}");
  REQUIRE(defaults.ok());
  CHECK(runtime::container_spec_to_json(*defaults) ==
        runtime::container_spec_to_json(runtime::ContainerSpec{}));
}

TEST_CASE("a bad container spec is an error naming the field", "[unit]") {
  auto check = [](std::string_view text, std::string_view message) {
    auto r = runtime::container_spec_from_json(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() == message);
  };
  check(R"({"rootfs": {"kind": "lvm"}})",
        "parse container spec: rootfs.kind: unknown value \"lvm\"");
  check(R"({"argv": "sh"})", "parse container spec: argv: not an array");
  check(R"({"mounts": [{"read_only": 1}]})",
        "parse container spec: mounts[0].read_only: not a boolean");
  check(R"({"stop_grace_period_ns": -1})", "parse container spec: stop_grace_period_ns: negative");
  check("[]", "parse container spec: : not an object");
  auto garbage = runtime::container_spec_from_json("{");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().message().rfind("parse container spec: ", 0) == 0);
}

TEST_CASE("shim options, shim state and exit status round trip", "[unit]") {
  TempDir dir;
  runtime::ShimOptions o;
  o.log_rotation = {.max_bytes = 1234, .max_files = 2};
  o.termination_message_file = "/x/termination-log";
  o.fallback_to_logs_on_error = true;
  REQUIRE(runtime::write_shim_options(dir.path / "shim.json", o).ok());
  auto o2 = runtime::read_shim_options(dir.path / "shim.json");
  REQUIRE(o2.ok());
  CHECK(o2->log_rotation.max_bytes == 1234);
  CHECK(o2->log_rotation.max_files == 2);
  CHECK(o2->termination_message_file == "/x/termination-log");
  CHECK(o2->fallback_to_logs_on_error);

  const auto t0 = *runtime::parse_rfc3339("2026-11-23T17:52:00.123456789Z");
  auto none = runtime::read_shim_state(dir.path / "state.json");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(runtime::write_shim_state(dir.path / "state.json", {11, 22, 33, 44, t0}).ok());
  auto st = runtime::read_shim_state(dir.path / "state.json");
  REQUIRE(st.ok());
  REQUIRE(st->has_value());
  CHECK((*st)->shim_pid == 11);
  CHECK((*st)->container_start_ticks == 44);
  CHECK((*st)->started_at == t0);

  runtime::ExitStatus e;
  e.exit.signal = 9;
  e.started_at = t0;
  e.finished_at = t0 + 2s;
  e.message = "bye\n";
  REQUIRE(runtime::write_exit_status(dir.path / "exit.json", e).ok());
  CHECK_FALSE(std::filesystem::exists(dir.path / "exit.json.tmp"));
  auto e2 = runtime::read_exit_status(dir.path / "exit.json");
  REQUIRE(e2.ok());
  REQUIRE(e2->has_value());
  CHECK((*e2)->exit.code() == 137);
  CHECK((*e2)->started_at == t0);
  CHECK((*e2)->finished_at == t0 + 2s);
  CHECK((*e2)->message == "bye\n");
  auto text = base::read_file(dir.path / "exit.json");
  REQUIRE(text.ok());
  CHECK(text->find("\"finished_at\": \"2026-11-23T17:52:02.123456789Z\"") != std::string::npos);

  std::ofstream(dir.path / "bad.json") << "{\"exit_code\": 1}";
  auto bad = runtime::read_exit_status(dir.path / "bad.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message().rfind("parse " + (dir.path / "bad.json").string(), 0) == 0);
}

TEST_CASE("termination messages: the file's last 4096 bytes, else the log on failure", "[unit]") {
  TempDir dir;
  const auto msg = dir.path / "termination-log";
  const auto log = dir.path / "0.log";
  {
    std::ofstream out(log);
    for (int i = 0; i < 100; ++i) {
      out << "2026-11-23T17:52:00.000000000Z stdout F line " << i << "\n";
    }
  }
  const base::ProcessExit failed{1, 0};
  const base::ProcessExit ok{0, 0};
  // No message file: the fallback gives the last 80 lines, capped at 2048 bytes from the end.
  std::string expected;
  for (int i = 20; i < 100; ++i) expected += "line " + std::to_string(i) + "\n";
  expected = expected.substr(expected.size() - std::min<std::size_t>(expected.size(), 2048));
  CHECK(runtime::termination_message(msg, true, failed, log) == expected);
  CHECK(runtime::termination_message(msg, true, ok, log).empty());
  CHECK(runtime::termination_message(msg, false, failed, log).empty());

  std::ofstream(msg) << std::string(5000, 'a') << "END";
  const std::string m = runtime::termination_message(msg, true, failed, log);
  CHECK(m.size() == 4096);
  CHECK(m.substr(4093) == "END");
}
