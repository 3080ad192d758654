// Store semantics on a real SQLite file: resourceVersions, preconditions, the change log that
// watches resume from, durability across reopen, schema versions, concurrent readers.
#include "agent/store.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "agent/sqlite.hpp"
#include "tests/agent/store_test_support.hpp"

namespace {

using agent::Change;
using agent::ChangeType;
using agent::ObjectKey;
using agent::Preconditions;
using agent::ResourceVersion;
using agent::Store;
using agent::WriteOutcome;
using store_test::json_at;
using store_test::TempDir;

const ObjectKey kPi{"jobs.batch", "default", "pi"};

std::unique_ptr<Store> open_store(const std::filesystem::path& file,
                                  agent::StoreOptions options = {}) {
  auto store = Store::open(file, options);
  if (!store.ok()) FAIL(store.error().message());
  return std::move(*store);
}

}  // namespace

TEST_CASE("objects get increasing resourceVersions rendered into their own JSON", "[unit]") {
  TempDir dir;
  auto store = open_store(dir.path() / "state.db");

  auto created = store->create(kPi, "uid-1", json_at("pi"));
  REQUIRE(created.ok());
  CHECK(created->outcome == WriteOutcome::written);
  CHECK(created->object.resource_version == 1);
  CHECK(created->object.json == R"({"name":"pi","rv":"1"})");
  CHECK(created->object.uid == "uid-1");

  auto updated = store->update(kPi, {}, json_at("pi-v2"));
  REQUIRE(updated.ok());
  CHECK(updated->object.resource_version == 2);
  CHECK(updated->object.uid == "uid-1");

  auto got = store->get(kPi);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->json == R"({"name":"pi-v2","rv":"2"})");

  REQUIRE(store->create({"jobs.batch", "other", "a"}, "uid-2", json_at("a")).ok());
  REQUIRE(store->create({"pods", "default", "pi-x"}, "uid-3", json_at("pod")).ok());

  auto everywhere = store->list("jobs.batch", std::nullopt);
  REQUIRE(everywhere.ok());
  CHECK(everywhere->resource_version == 4);
  REQUIRE(everywhere->objects.size() == 2);
  CHECK(everywhere->objects[0].key.name == "pi");
  CHECK(everywhere->objects[1].key == ObjectKey{"jobs.batch", "other", "a"});

  auto in_default = store->list("jobs.batch", std::string("default"));
  REQUIRE(in_default.ok());
  REQUIRE(in_default->objects.size() == 1);
  CHECK(in_default->objects[0].key == kPi);

  auto removed = store->remove(kPi, {}, json_at("pi-deleted"));
  REQUIRE(removed.ok());
  CHECK(removed->outcome == WriteOutcome::written);
  CHECK(removed->object.resource_version == 5);
  auto gone = store->get(kPi);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  auto rv = store->current_resource_version();
  REQUIRE(rv.ok());
  CHECK(*rv == 5);
}

TEST_CASE("preconditions are outcomes and leave the store unchanged", "[unit]") {
  TempDir dir;
  auto store = open_store(dir.path() / "state.db");
  REQUIRE(store->create(kPi, "uid-1", json_at("pi")).ok());

  auto again = store->create(kPi, "uid-9", json_at("pi"));
  REQUIRE(again.ok());
  CHECK(again->outcome == WriteOutcome::already_exists);
  CHECK(again->object.uid == "uid-1");

  const ObjectKey missing{"jobs.batch", "default", "nope"};
  auto update_missing = store->update(missing, {}, json_at("x"));
  REQUIRE(update_missing.ok());
  CHECK(update_missing->outcome == WriteOutcome::not_found);
  auto remove_missing = store->remove(missing, {}, json_at("x"));
  REQUIRE(remove_missing.ok());
  CHECK(remove_missing->outcome == WriteOutcome::not_found);

  agent::Preconditions stale;
  stale.resource_version = 7;
  auto conflict = store->update(kPi, stale, json_at("x"));
  REQUIRE(conflict.ok());
  CHECK(conflict->outcome == WriteOutcome::conflict);
  CHECK(conflict->object.resource_version == 1);

  agent::Preconditions other_uid;
  other_uid.uid = "uid-2";
  auto wrong_uid = store->remove(kPi, other_uid, json_at("x"));
  REQUIRE(wrong_uid.ok());
  CHECK(wrong_uid->outcome == WriteOutcome::conflict);

  agent::Preconditions exact;
  exact.resource_version = 1;
  exact.uid = "uid-1";
  auto matched = store->update(kPi, exact, json_at("pi-v2"));
  REQUIRE(matched.ok());
  CHECK(matched->outcome == WriteOutcome::written);
  // Refused writes consumed no resourceVersion and logged nothing.
  CHECK(matched->object.resource_version == 2);
  auto changes = store->changes_since(0);
  REQUIRE(changes.ok());
  CHECK(changes->changes.size() == 2);
}

TEST_CASE("the change log replays writes in order and expires beyond its retention", "[unit]") {
  TempDir dir;
  agent::StoreOptions options;
  options.change_retention = 3;
  auto store = open_store(dir.path() / "state.db", options);

  std::vector<agent::Change> seen;
  store->set_commit_listener([&](const agent::Change& change) { seen.push_back(change); });

  REQUIRE(store->create(kPi, "u", json_at("a")).ok());         // rv 1
  REQUIRE(store->update(kPi, {}, json_at("b")).ok());          // rv 2
  REQUIRE(store->remove(kPi, {}, json_at("c")).ok());          // rv 3
  REQUIRE(store->create(kPi, "u2", json_at("d")).ok());        // rv 4
  REQUIRE(store->create(kPi, "u3", json_at("refused")).ok());  // already exists: no change

  REQUIRE(seen.size() == 4);
  CHECK(seen[0].type == ChangeType::added);
  CHECK(seen[1].type == ChangeType::modified);
  CHECK(seen[2].type == ChangeType::deleted);
  CHECK(seen[2].object.json == R"({"name":"c","rv":"3"})");
  CHECK(seen[3].object.uid == "u2");

  auto from_two = store->changes_since(2);
  REQUIRE(from_two.ok());
  CHECK_FALSE(from_two->expired);
  REQUIRE(from_two->changes.size() == 2);
  CHECK(from_two->changes[0].type == ChangeType::deleted);
  CHECK(from_two->changes[0].object.resource_version == 3);
  CHECK(from_two->changes[1].object.resource_version == 4);
  CHECK(from_two->resource_version == 4);

  // Retention 3 after rv 4: changes 2..4 remain, so a watch from rv 1 still gets all it needs,
  // and a watch from rv 0 would miss rv 1.
  auto from_one = store->changes_since(1);
  REQUIRE(from_one.ok());
  CHECK_FALSE(from_one->expired);
  CHECK(from_one->changes.size() == 3);
  auto from_zero = store->changes_since(0);
  REQUIRE(from_zero.ok());
  CHECK(from_zero->expired);

  auto limited = store->changes_since(1, 2);
  REQUIRE(limited.ok());
  CHECK(limited->changes.size() == 2);
}

TEST_CASE("a reopened store has every acknowledged write and continues its versions", "[unit]") {
  TempDir dir;
  const auto file = dir.path() / "state.db";
  {
    auto store = open_store(file);
    REQUIRE(store->create(kPi, "uid-1", json_at("pi")).ok());
    REQUIRE(store->create({"pods", "default", "p"}, "uid-2", json_at("p")).ok());
    REQUIRE(store->remove({"pods", "default", "p"}, {}, json_at("p")).ok());
  }
  auto store = open_store(file);
  auto rv = store->current_resource_version();
  REQUIRE(rv.ok());
  CHECK(*rv == 3);
  auto got = store->get(kPi);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->uid == "uid-1");
  auto next = store->create({"pods", "default", "p"}, "uid-3", json_at("p"));
  REQUIRE(next.ok());
  CHECK(next->object.resource_version == 4);  // a deleted object's version is never reused
  auto changes = store->changes_since(0);
  REQUIRE(changes.ok());
  CHECK(changes->changes.size() == 4);
}

TEST_CASE("side records are written with their object, survive a reopen and go with it", "[unit]") {
  TempDir dir;
  const auto file = dir.path() / "state.db";
  {
    auto store = open_store(file);
    REQUIRE(store->create(kPi, "uid-1", json_at("pi")).ok());
    auto none = store->side_record("uid-1");
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    auto written = store->update_with_side_record(kPi, {}, json_at("pi"), R"({"failures":2})");
    REQUIRE(written.ok());
    CHECK(written->outcome == WriteOutcome::written);
    // A precondition that fails writes neither the object nor the record.
    agent::Preconditions stale;
    stale.resource_version = 1;
    auto refused = store->update_with_side_record(kPi, stale, json_at("pi"), "lost");
    REQUIRE(refused.ok());
    CHECK(refused->outcome == WriteOutcome::conflict);
  }
  auto store = open_store(file);
  auto kept = store->side_record("uid-1");
  REQUIRE(kept.ok());
  REQUIRE(kept->has_value());
  CHECK(**kept == R"({"failures":2})");
  // A plain update keeps the record; removing the object removes it.
  REQUIRE(store->update(kPi, {}, json_at("pi")).ok());
  CHECK(store->side_record("uid-1")->has_value());
  REQUIRE(store->remove(kPi, {}, json_at("pi")).ok());
  CHECK_FALSE(store->side_record("uid-1")->has_value());
}

TEST_CASE("a database from a newer batchlet or a non-database file is refused", "[unit]") {
  TempDir dir;
  const auto file = dir.path() / "state.db";
  { auto store = open_store(file); }
  {
    auto db = agent::sqlite::Database::open(file, agent::sqlite::Database::Mode::read_write_create);
    REQUIRE(db.ok());
    REQUIRE(db->exec("PRAGMA user_version = 99").ok());
  }
  auto newer = Store::open(file);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().message() ==
        "open store " + file.string() +
            ": store schema version 99 is newer than this batchlet supports (2)");

  const auto garbage = dir.write("garbage.db", std::string(8192, 'x'));
  auto corrupt = Store::open(garbage);
  REQUIRE_FALSE(corrupt.ok());
  CHECK(corrupt.error().message().rfind("open store " + garbage.string() + ": ", 0) == 0);
  CHECK(corrupt.error().sys_errno() != 0);
}

TEST_CASE("readers see consistent snapshots while a writer works", "[unit]") {
  TempDir dir;
  auto store = open_store(dir.path() / "state.db");
  constexpr int kWrites = 200;
  std::atomic<bool> done{false};
  std::atomic<int> inconsistent{0};
  std::atomic<int> failed_reads{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto listed = store->list("pods", std::nullopt);
        if (!listed.ok()) {
          ++failed_reads;
          continue;
        }
        // Object i is created at rv i + 1 and never touched again, so a snapshot at rv N holds
        // exactly N objects.
        if (static_cast<std::int64_t>(listed->objects.size()) != listed->resource_version) {
          ++inconsistent;
        }
      }
    });
  }
  for (int i = 0; i < kWrites; ++i) {
    REQUIRE(store->create({"pods", "default", "p" + std::to_string(i)}, "u", json_at("p")).ok());
  }
  done = true;
  for (auto& reader : readers) reader.join();
  CHECK(inconsistent.load() == 0);
  CHECK(failed_reads.load() == 0);
  auto listed = store->list("pods", std::nullopt);
  REQUIRE(listed.ok());
  CHECK(listed->objects.size() == kWrites);
}

TEST_CASE("concurrent writers are committed in groups, each write with its own outcome", "[unit]") {
  TempDir dir;
  auto store = open_store(dir.path() / "state.db");
  REQUIRE(store->create({"pods", "default", "shared"}, "u-shared", json_at("shared")).ok());
  std::mutex seen_mutex;
  std::vector<ResourceVersion> seen;
  store->set_commit_listener([&](const Change& change) {
    std::lock_guard lock(seen_mutex);
    seen.push_back(change.object.resource_version);
  });

  // Every thread creates its own objects and, in between, updates one shared object with a
  // resourceVersion that is stale for all but (at most) one of them: the conflicts must undo
  // nothing else of their groups. Renders that throw fail alone too.
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> created{0}, conflicts{0}, updated{0}, render_errors{0}, other{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = "p" + std::to_string(t) + "-" + std::to_string(i);
        auto made = store->create({"pods", "default", name}, "u-" + name, json_at(name));
        if (made.ok() && made->outcome == WriteOutcome::written) ++created;
        Preconditions stale;
        stale.resource_version = 1;  // the shared object's first version
        auto update = store->update({"pods", "default", "shared"}, stale, json_at("shared"));
        if (!update.ok()) {
          ++other;
        } else if (update->outcome == WriteOutcome::conflict) {
          ++conflicts;
        } else if (update->outcome == WriteOutcome::written) {
          ++updated;
        }
        auto thrown = store->create(
            {"pods", "default", name + "-x"}, "u-x",
            [](ResourceVersion) -> std::string { throw std::runtime_error("render failed"); });
        if (!thrown.ok()) {
          ++render_errors;
          CHECK_THAT(thrown.error().message(), Catch::Matchers::Contains("render failed"));
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  CHECK(created.load() == kThreads * kPerThread);
  CHECK(updated.load() == 1);
  CHECK(conflicts.load() == kThreads * kPerThread - 1);
  CHECK(render_errors.load() == kThreads * kPerThread);
  CHECK(other.load() == 0);

  // Versions are dense and announced in order, one per committed write.
  const std::size_t written = kThreads * kPerThread + 1;
  REQUIRE(seen.size() == written);
  for (std::size_t i = 0; i < seen.size(); ++i)
    CHECK(seen[i] == static_cast<ResourceVersion>(i + 2));
  auto listed = store->list("pods", std::nullopt);
  REQUIRE(listed.ok());
  CHECK(listed->objects.size() == kThreads * kPerThread + 1);
  CHECK(listed->resource_version == static_cast<ResourceVersion>(written + 1));
  auto changes = store->changes_since(1);
  REQUIRE(changes.ok());
  CHECK(changes->changes.size() == written);
}
