// Unit tests of the CRI log format: timestamps, record formatting and parsing, line splitting,
// partial lines, interleaving and rotation (with a fake clock).
#include "runtime/cri_log.hpp"

#include <catch2/catch.hpp>
#include <chrono>

#include "base/file.hpp"
#include "runtime/timestamp.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using runtime::Stream;

namespace {

base::TimePoint at(std::string_view text) {
  auto t = runtime::parse_rfc3339(text);
  REQUIRE(t.ok());
  return *t;
}

std::string slurp(const std::filesystem::path& p) {
  auto text = base::read_file(p);
  REQUIRE(text.ok());
  return *text;
}

}  // namespace

TEST_CASE("RFC 3339 nanosecond timestamps format and parse", "[unit]") {
  const auto t = at("2026-11-23T17:52:00.123456789Z");
  CHECK(runtime::format_rfc3339_nano(t) == "2026-11-23T17:52:00.123456789Z");
  CHECK(runtime::format_rfc3339_nano(at("2026-11-23T17:52:00Z")) ==
        "2026-11-23T17:52:00.000000000Z");
  CHECK(at("2026-11-23T18:52:00+01:00") == at("2026-11-23T17:52:00Z"));
  CHECK(at("1970-01-01T00:00:01.5Z").time_since_epoch() == 1500ms);
  for (const char* bad :
       {"", "2026-11-23", "2026-11-23T17:52:00", "2026-13-01T00:00:00Z", "2026-11-23T17:52:00.Z",
        "2026-11-23T17:52:00.1234567891Z", "2026-11-23T17:52:00Zjunk"}) {
    INFO(bad);
    auto r = runtime::parse_rfc3339(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() == std::string("invalid RFC 3339 time \"") + bad + "\"");
  }
}

TEST_CASE("a CRI record formats and parses back", "[unit]") {
  std::string line;
  runtime::append_cri_record(line, at("2026-11-23T17:52:00.123456789Z"), Stream::err, true,
                             "a b  c");
  CHECK(line == "2026-11-23T17:52:00.123456789Z stderr P a b  c\n");
  line.pop_back();
  auto r = runtime::parse_cri_record(line);
  REQUIRE(r.ok());
  CHECK(r->stream == Stream::err);
  CHECK(r->partial);
  CHECK(r->content == "a b  c");
  CHECK(r->time_text == "2026-11-23T17:52:00.123456789Z");

  auto empty = runtime::parse_cri_record("2026-11-23T17:52:00Z stdout F ");
  REQUIRE(empty.ok());
  CHECK(empty->content.empty());
  CHECK_FALSE(empty->partial);
  CHECK_FALSE(runtime::parse_cri_record("2026-11-23T17:52:00Z stdin F x").ok());
  CHECK_FALSE(runtime::parse_cri_record("2026-11-23T17:52:00Z stdout X x").ok());
  CHECK_FALSE(runtime::parse_cri_record("garbage").ok());
}

TEST_CASE("the writer splits lines, drops CR of CRLF, interleaves streams, holds tails", "[unit]") {
  TempDir dir;
  base::FakeClock clock(at("2026-11-23T17:52:00Z"));
  auto w = runtime::CriLogWriter::open(dir.path / "0.log", {}, clock);
  REQUIRE(w.ok());
  REQUIRE(w->write(Stream::out, "one\ntw").ok());
  clock.advance(1ns);
  REQUIRE(w->write(Stream::err, "err1\n").ok());
  REQUIRE(w->write(Stream::out, "o\n\r\nthree").ok());
  REQUIRE(w->finish_stream(Stream::out).ok());
  REQUIRE(w->finish_stream(Stream::err).ok());
  CHECK(slurp(dir.path / "0.log") ==
        "2026-11-23T17:52:00.000000000Z stdout F one\n"
        "2026-11-23T17:52:00.000000001Z stderr F err1\n"
        "2026-11-23T17:52:00.000000001Z stdout F two\n"
        "2026-11-23T17:52:00.000000001Z stdout F \n"
        "2026-11-23T17:52:00.000000001Z stdout P three\n");
}

TEST_CASE("lines longer than 16 KiB become partial records", "[unit]") {
  TempDir dir;
  base::FakeClock clock(at("2026-11-23T17:52:00Z"));
  auto w = runtime::CriLogWriter::open(dir.path / "0.log", {}, clock);
  REQUIRE(w.ok());
  const std::string big(runtime::kCriMaxLineBytes * 2 + 10, 'x');
  REQUIRE(w->write(Stream::out, big.substr(0, 100)).ok());  // arrives in pieces
  REQUIRE(w->write(Stream::out, big.substr(100) + "\n").ok());
  // Exactly the limit is still one full line, also when its newline comes in a later chunk.
  const std::string exact(runtime::kCriMaxLineBytes, 'y');
  REQUIRE(w->write(Stream::out, exact).ok());
  REQUIRE(w->write(Stream::out, "\n").ok());
  const std::string prefix = "2026-11-23T17:52:00.000000000Z stdout ";
  const std::string k16(runtime::kCriMaxLineBytes, 'x');
  CHECK(slurp(dir.path / "0.log") == prefix + "P " + k16 + "\n" + prefix + "P " + k16 + "\n" +
                                         prefix + "F xxxxxxxxxx\n" + prefix + "F " + exact + "\n");
}

TEST_CASE("the writer rotates at the size limit and keeps a bounded number of files", "[unit]") {
  TempDir dir;
  base::FakeClock clock(at("2026-11-23T17:52:00Z"));
  const auto log = dir.path / "3.log";
  const std::string line = "2026-11-23T17:52:00.000000000Z stdout F 0123456789\n";  // 52 bytes
  auto w = runtime::CriLogWriter::open(log, {.max_bytes = 3 * 52, .max_files = 3}, clock);
  REQUIRE(w.ok());
  for (int i = 0; i < 10; ++i) {
    REQUIRE(w->write(Stream::out, "0123456789\n").ok());
    clock.advance(1ms);
  }
  const auto rotated = runtime::rotated_log_files(log);
  REQUIRE(rotated.size() == 2);
  // 10 records, 3 per file: the live file has the last one, the two kept files the 3 before it.
  CHECK(slurp(log).size() == line.size());
  CHECK(slurp(rotated[0]).size() == 3 * line.size());
  CHECK(slurp(rotated[1]).size() == 3 * line.size());
  CHECK(rotated[0].filename().string() == "3.log.20261123-175200.006000000");
  CHECK(rotated[1].filename().string() == "3.log.20261123-175200.009000000");
  CHECK(slurp(rotated[1]).substr(0, 30) == "2026-11-23T17:52:00.006000000Z");
}
