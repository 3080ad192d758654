// The watch fan-out: snapshots, resumption, filters that objects move in and out of, expiry,
// and no gap or duplicate while changes commit during the start of a watch.
#include "api/watch_hub.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "tests/api/memory_object_store.hpp"

namespace {

struct Recorded {
  std::string type;
  std::string name;
  api::ResourceVersion rv;
  bool operator==(const Recorded&) const = default;
};

class RecordingSink : public api::WatchSink {
 public:
  void event(std::string_view type, const api::StoredObject& object) override {
    std::lock_guard lock(mutex);
    events.push_back({std::string(type), object.key.name, object.resource_version});
  }
  void error(const std::string& status) override {
    std::lock_guard lock(mutex);
    errors.push_back(status);
  }
  void close() override { closed = true; }

  std::mutex mutex;
  std::vector<Recorded> events;
  std::vector<std::string> errors;
  std::atomic<bool> closed{false};
};

api::Render json(const std::string& label) {
  return [label](api::ResourceVersion) { return label; };
}

const api::ObjectKey key(const std::string& name, const std::string& ns = "default") {
  return {"jobs.batch", ns, name};
}

struct Fixture {
  api_test::MemoryObjectStore store{5};
  api::WatchHub hub{store};
  Fixture() {
    store.listener = [this](const api::Change& change) { hub.publish(change); };
  }
};

}  // namespace

TEST_CASE("a watch without resourceVersion starts with the current objects", "[unit]") {
  Fixture f;
  REQUIRE(f.store.create(key("a"), "u", json("x")).ok());
  REQUIRE(f.store.create(key("b", "other"), "u", json("x")).ok());
  REQUIRE(f.store.create({"pods", "default", "p"}, "u", json("x")).ok());
  auto sink = std::make_shared<RecordingSink>();
  auto watch = f.hub.watch({"jobs.batch", std::string("default"), std::nullopt, {}}, sink);
  REQUIRE(watch.ok());
  REQUIRE(f.store.update(key("a"), {}, json("y")).ok());
  REQUIRE(f.store.create(key("c"), "u", json("x")).ok());
  REQUIRE(f.store.remove(key("a"), {}, json("z")).ok());
  REQUIRE(f.store.create(key("d", "other"), "u", json("x")).ok());
  CHECK(sink->events ==
        std::vector<Recorded>{
            {"ADDED", "a", 1}, {"MODIFIED", "a", 4}, {"ADDED", "c", 5}, {"DELETED", "a", 6}});
  (*watch)->stop();
  REQUIRE(f.store.create(key("e"), "u", json("x")).ok());
  CHECK(sink->events.size() == 4);
  CHECK(f.hub.watcher_count() == 0);
}

TEST_CASE("a watch from a resourceVersion replays what came after it", "[unit]") {
  Fixture f;
  REQUIRE(f.store.create(key("a"), "u", json("x")).ok());  // 1
  REQUIRE(f.store.update(key("a"), {}, json("y")).ok());   // 2
  REQUIRE(f.store.create(key("b"), "u", json("x")).ok());  // 3
  auto sink = std::make_shared<RecordingSink>();
  auto watch = f.hub.watch({"jobs.batch", std::nullopt, 1, {}}, sink);
  REQUIRE(watch.ok());
  REQUIRE(f.store.remove(key("b"), {}, json("z")).ok());  // 4
  CHECK(sink->events ==
        std::vector<Recorded>{{"MODIFIED", "a", 2}, {"ADDED", "b", 3}, {"DELETED", "b", 4}});
}

TEST_CASE("a watch from before the retained log gets 410 Expired", "[unit]") {
  Fixture f;  // retention 5
  for (int i = 0; i < 8; ++i) {
    REQUIRE(f.store.create(key("j" + std::to_string(i)), "u", json("x")).ok());
  }
  auto sink = std::make_shared<RecordingSink>();
  auto watch = f.hub.watch({"jobs.batch", std::nullopt, 1, {}}, sink);
  REQUIRE(watch.ok());
  CHECK(sink->events.empty());
  REQUIRE(sink->errors.size() == 1);
  CHECK(
      sink->errors[0] ==
      R"json({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (8)","reason":"Expired","code":410})json");
  CHECK(sink->closed);
  CHECK(f.hub.watcher_count() == 0);
}

TEST_CASE("objects moving in and out of a filter are ADDED and DELETED", "[unit]") {
  Fixture f;
  REQUIRE(f.store.create(key("a"), "u", json("blue")).ok());
  auto sink = std::make_shared<RecordingSink>();
  auto blue = [](const api::StoredObject& object) { return object.json == "blue"; };
  auto watch = f.hub.watch({"jobs.batch", std::nullopt, std::nullopt, blue}, sink);
  REQUIRE(watch.ok());
  REQUIRE(f.store.update(key("a"), {}, json("red")).ok());
  REQUIRE(f.store.create(key("b"), "u", json("red")).ok());
  REQUIRE(f.store.update(key("b"), {}, json("blue")).ok());
  REQUIRE(f.store.update(key("b"), {}, json("blue")).ok());
  REQUIRE(f.store.remove(key("a"), {}, json("red")).ok());
  CHECK(sink->events ==
        std::vector<Recorded>{
            {"ADDED", "a", 1}, {"DELETED", "a", 2}, {"ADDED", "b", 4}, {"MODIFIED", "b", 5}});
}

TEST_CASE("changes committed while a watch starts arrive exactly once, in order", "[unit]") {
  api_test::MemoryObjectStore store{100000};
  api::WatchHub hub{store};
  store.listener = [&](const api::Change& change) { hub.publish(change); };
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      REQUIRE(store.create(key("w" + std::to_string(i)), "u", json("x")).ok());
    }
    done = true;
  });
  std::vector<std::shared_ptr<RecordingSink>> sinks;
  std::vector<std::unique_ptr<api::Watch>> watches;
  while (!done && sinks.size() < 50) {
    auto sink = std::make_shared<RecordingSink>();
    auto watch = hub.watch({"jobs.batch", std::nullopt, std::nullopt, {}}, sink);
    REQUIRE(watch.ok());
    sinks.push_back(sink);
    watches.push_back(std::move(*watch));
  }
  writer.join();
  CHECK(sinks.size() > 1);
  for (const auto& sink : sinks) {
    // Every watcher ends up having seen each of the 2000 objects exactly once, as ADDED: the
    // snapshot (in name order) and then the live changes (in resourceVersion order).
    REQUIRE(sink->events.size() == 2000);
    std::set<std::string> names;
    std::size_t added = 0;
    for (const auto& event : sink->events) {
      added += event.type == "ADDED" ? 1 : 0;
      names.insert(event.name);
    }
    CHECK(added == 2000);
    CHECK(names.size() == 2000);
  }
}
