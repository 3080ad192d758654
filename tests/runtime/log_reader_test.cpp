// Unit tests of the log reader's kubectl-logs options on a fixed log file.
#include "runtime/log_reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "runtime/timestamp.hpp"
#include "temp_dir.hpp"

namespace {

const char* const kLog =
    "2026-11-23T17:52:00.100000000Z stdout F one\n"
    "2026-11-23T17:52:01.000000000Z stderr F two\n"
    "this line is not CRI\n"
    "2026-11-23T17:52:02.000000000Z stdout P thr\n"
    "2026-11-23T17:52:02.500000000Z stdout F ee\n"
    "2026-11-23T17:52:03.000000000Z stdout F four\n";

struct Fixture {
  TempDir dir;
  std::filesystem::path log = dir.path / "0.log";
  Fixture() { std::ofstream(log) << kLog; }

  std::string read(const runtime::LogReadOptions& o) {
    std::string out;
    auto s = runtime::read_logs(log, o, [&](std::string_view chunk) {
      out.append(chunk);
      return base::Status();
    });
    REQUIRE(s.ok());
    return out;
  }
};

}  // namespace

TEST_CASE("reading a log gives its lines, partial records joined", "[unit]") {
  Fixture f;
  CHECK(f.read({}) == "one\ntwo\nthree\nfour\n");
}

TEST_CASE("timestamps prefix every record, with nine fractional digits", "[unit]") {
  Fixture f;
  runtime::LogReadOptions o;
  o.timestamps = true;
  CHECK(f.read(o) ==
        "2026-11-23T17:52:00.100000000Z one\n"
        "2026-11-23T17:52:01.000000000Z two\n"
        "2026-11-23T17:52:02.000000000Z thr"
        "2026-11-23T17:52:02.500000000Z ee\n"
        "2026-11-23T17:52:03.000000000Z four\n");
}

TEST_CASE("tail counts records from the end of the file", "[unit]") {
  Fixture f;
  runtime::LogReadOptions o;
  o.tail_lines = 1;
  CHECK(f.read(o) == "four\n");
  o.tail_lines = 2;
  CHECK(f.read(o) == "ee\nfour\n");
  o.tail_lines = 0;
  CHECK(f.read(o).empty());
  o.tail_lines = 100;
  CHECK(f.read(o) == "one\ntwo\nthree\nfour\n");
}

TEST_CASE("since drops older records, limitBytes cuts the output", "[unit]") {
  Fixture f;
  runtime::LogReadOptions o;
  o.since = *runtime::parse_rfc3339("2026-11-23T17:52:01Z");
  CHECK(f.read(o) == "two\nthree\nfour\n");
  o.since.reset();
  o.limit_bytes = 6;
  CHECK(f.read(o) == "one\ntw");
  o.include_stdout = false;
  o.limit_bytes.reset();
  CHECK(f.read(o) == "two\n");
}

TEST_CASE("the FallbackToLogsOnError text is the last lines, capped in bytes", "[unit]") {
  Fixture f;
  auto last = runtime::last_log_output(f.log, 2, 1000);
  REQUIRE(last.ok());
  CHECK(*last == "ee\nfour\n");
  last = runtime::last_log_output(f.log, 80, 7);
  REQUIRE(last.ok());
  CHECK(*last == "e\nfour\n");
}

TEST_CASE("a missing log file is an error naming it", "[unit]") {
  TempDir dir;
  auto s = runtime::read_logs(dir.path / "nope.log", {},
                              [](std::string_view) { return base::Status(); });
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message() ==
        "open log " + (dir.path / "nope.log").string() + ": No such file or directory");
}
