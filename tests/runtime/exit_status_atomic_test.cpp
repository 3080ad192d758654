// Integration test: a reader polling exit.json while it is rewritten never sees a partial file.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "runtime/container_state.hpp"
#include "temp_dir.hpp"

TEST_CASE("exit status replacement is atomic: readers see a whole file or none", "[integration]") {
  TempDir dir;
  const auto file = dir.path / "exit.json";
  std::atomic<bool> stop{false};
  std::atomic<int> whole{0};
  std::atomic<int> broken{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto e = runtime::read_exit_status(file);
      if (!e.ok()) {
        ++broken;
        continue;
      }
      if (!e->has_value()) continue;  // not written yet
      const std::string& m = (*e)->message;
      // Each write holds one repeated letter and a matching exit code.
      if (m.size() == 100000 && m.find_first_not_of(m[0]) == std::string::npos &&
          (*e)->exit.exit_code == m[0]) {
        ++whole;
      } else {
        ++broken;
      }
    }
  });
  base::RealClock clock;
  for (int i = 0; i < 40; ++i) {
    runtime::ExitStatus e;
    const char letter = static_cast<char>('a' + i % 26);
    e.exit.exit_code = letter;
    e.finished_at = clock.now();
    e.message.assign(100000, letter);
    REQUIRE(runtime::write_exit_status(file, e).ok());
  }
  // Let the reader see the final file at least once.
  while (whole.load() == 0 && broken.load() == 0) std::this_thread::yield();
  stop = true;
  reader.join();
  CHECK(broken.load() == 0);
  CHECK(whole.load() > 0);
}
