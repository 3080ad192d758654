// Integration tests of the CRI log writer and a following reader running at the same time:
// follow across rotations, cancellation, and rotation bounds under a fast writer.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "base/file.hpp"
#include "runtime/cri_log.hpp"
#include "runtime/log_reader.hpp"
#include "temp_dir.hpp"

using runtime::Stream;

namespace {

std::string numbered(int i) { return "line " + std::to_string(i) + "\n"; }

}  // namespace

TEST_CASE("a follower sees every line in order across rotations, then stops when told",
          "[integration]") {
  TempDir dir;
  const auto log = dir.path / "0.log";
  base::RealClock clock;
  // About 60 bytes a record: 20 records per burst stay under one file's limit, so each burst
  // causes at most one rotation while the follower may be behind.
  auto w = runtime::CriLogWriter::open(log, {.max_bytes = 1500, .max_files = 2}, clock);
  REQUIRE(w.ok());

  std::atomic<int> received{0};
  std::atomic<bool> writer_done{false};
  std::string seen;
  runtime::LogReadOptions o;
  o.follow = true;
  base::Status result;
  std::thread follower([&] {
    result = runtime::read_logs(
        log, o,
        [&](std::string_view chunk) {
          seen.append(chunk);
          received.fetch_add(static_cast<int>(std::count(chunk.begin(), chunk.end(), '\n')));
          return base::Status();
        },
        {.cancel_fd = -1, .writer_done = [&] { return writer_done.load(); }});
  });

  constexpr int kBursts = 15;
  constexpr int kPerBurst = 20;
  std::string expected;
  for (int b = 0; b < kBursts; ++b) {
    for (int i = 0; i < kPerBurst; ++i) {
      const int n = b * kPerBurst + i;
      REQUIRE(w->write(Stream::out, numbered(n)).ok());
      expected += numbered(n);
    }
    while (received.load() < (b + 1) * kPerBurst) ::usleep(1000);
  }
  writer_done = true;
  follower.join();
  REQUIRE(result.ok());
  CHECK(seen == expected);
  CHECK(runtime::rotated_log_files(log).size() == 1);
}

TEST_CASE("a follower returns when its cancel fd becomes readable", "[integration]") {
  TempDir dir;
  const auto log = dir.path / "0.log";
  base::RealClock clock;
  auto w = runtime::CriLogWriter::open(log, {}, clock);
  REQUIRE(w.ok());
  REQUIRE(w->write(Stream::err, "before\n").ok());
  auto cancel = base::make_pipe();
  REQUIRE(cancel.ok());
  std::string seen;
  std::atomic<bool> got_first{false};
  base::Status result;
  std::thread follower([&] {
    runtime::LogReadOptions o;
    o.follow = true;
    result = runtime::read_logs(log, o,
                                [&](std::string_view chunk) {
                                  seen.append(chunk);
                                  got_first = true;
                                  return base::Status();
                                },
                                {.cancel_fd = cancel->read.get(), .writer_done = {}});
  });
  while (!got_first.load()) ::usleep(1000);
  REQUIRE(::write(cancel->write.get(), "x", 1) == 1);
  follower.join();
  REQUIRE(result.ok());
  CHECK(seen == "before\n");
}

TEST_CASE("rotation under a fast writer keeps the newest lines in bounded files", "[integration]") {
  TempDir dir;
  const auto log = dir.path / "1.log";
  base::RealClock clock;
  const runtime::LogRotation rotation{.max_bytes = 64 * 1024, .max_files = 4};
  auto w = runtime::CriLogWriter::open(log, rotation, clock);
  REQUIRE(w.ok());
  constexpr int kLines = 20000;
  std::string burst;
  for (int i = 0; i < kLines; ++i) {
    burst += numbered(i);
    if (burst.size() > 3000 || i == kLines - 1) {  // pipe-sized chunks, split mid-line
      REQUIRE(w->write(Stream::out, burst.substr(0, burst.size() / 2)).ok());
      REQUIRE(w->write(Stream::out, burst.substr(burst.size() / 2)).ok());
      burst.clear();
    }
  }
  auto files = runtime::rotated_log_files(log);
  CHECK(files.size() == static_cast<std::size_t>(rotation.max_files - 1));
  files.push_back(log);
  // Read every kept file in order: the numbers must be consecutive and end with the last line.
  std::string all;
  for (const auto& f : files) {
    auto size = std::filesystem::file_size(f);
    CHECK(size <= rotation.max_bytes);
    runtime::LogReadOptions o;
    REQUIRE(runtime::read_logs(f, o, [&](std::string_view c) {
              all.append(c);
              return base::Status();
            }).ok());
  }
  const auto first_space = all.find(' ');
  const int first = std::stoi(all.substr(first_space + 1));
  CHECK(first > 0);
  std::string expected;
  for (int i = first; i < kLines; ++i) expected += numbered(i);
  CHECK(all == expected);
}
