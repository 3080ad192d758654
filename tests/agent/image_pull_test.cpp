// The kubelet's image decisions: pull policy, reasons, messages, events and the pull backoff.
#include "agent/image_pull.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

namespace {

const auto kPresent = [](const std::string&) { return true; };
const auto kAbsent = [](const std::string&) { return false; };

}  // namespace

TEST_CASE("pull policies decide between the store and a pull", "[unit]") {
  agent::ImagePullBackoff backoff;
  const base::TimePoint now{};
  auto d = agent::decide_image("busybox", "IfNotPresent", "uid", backoff, now, kPresent);
  CHECK(d.action == agent::ImageAction::use_present);
  CHECK(d.image == "docker.io/library/busybox:latest");
  CHECK(d.event.type == "Normal");
  CHECK(d.event.reason == "Pulled");
  CHECK(d.event.message == "Container image \"busybox\" already present on machine");

  d = agent::decide_image("busybox:1.36", "IfNotPresent", "uid", backoff, now, kAbsent);
  CHECK(d.action == agent::ImageAction::pull);
  CHECK(d.event.reason == "Pulling");
  CHECK(d.event.message == "Pulling image \"busybox:1.36\"");

  d = agent::decide_image("busybox", "Always", "uid", backoff, now, kPresent);
  CHECK(d.action == agent::ImageAction::pull);

  d = agent::decide_image("busybox", "Never", "uid", backoff, now, kPresent);
  CHECK(d.action == agent::ImageAction::use_present);

  d = agent::decide_image("busybox:1.36", "Never", "uid", backoff, now, kAbsent);
  CHECK(d.action == agent::ImageAction::fail);
  CHECK(d.waiting_reason == "ErrImageNeverPull");
  CHECK(d.message == "Container image \"busybox:1.36\" is not present with pull policy of Never");
  CHECK(d.event.type == "Warning");
  CHECK(d.event.reason == "ErrImageNeverPull");

  // The lookup sees the normalised name.
  std::string asked;
  (void)agent::decide_image("localhost:5000/a/b@sha256:" + std::string(64, 'a'), "IfNotPresent",
                            "uid", backoff, now, [&](const std::string& image) {
                              asked = image;
                              return true;
                            });
  CHECK(asked == "localhost:5000/a/b@sha256:" + std::string(64, 'a'));
}

TEST_CASE("an invalid image name is InvalidImageName with the kubelet's message", "[unit]") {
  agent::ImagePullBackoff backoff;
  auto d = agent::decide_image("Busybox", "IfNotPresent", "uid", backoff, {}, kAbsent);
  CHECK(d.action == agent::ImageAction::fail);
  CHECK(d.waiting_reason == "InvalidImageName");
  CHECK(d.message ==
        "Failed to apply default image tag \"Busybox\": couldn't parse image name \"Busybox\": "
        "invalid reference format: repository name (library/Busybox) must be lowercase");
  CHECK(d.event.reason == "InspectFailed");
  d = agent::decide_image("bad image", "Always", "uid", backoff, {}, kAbsent);
  CHECK(d.message ==
        "Failed to apply default image tag \"bad image\": couldn't parse image name \"bad "
        "image\": invalid reference format");
}

TEST_CASE("failed pulls back off 10 s doubling to 300 s, per pod and image", "[unit]") {
  agent::ImagePullBackoff backoff;
  base::TimePoint now{};
  auto failed = agent::pull_finished("busybox", "uid", std::string("registry unreachable"), 1s, 0,
                                     backoff, now);
  CHECK(failed.waiting_reason == "ErrImagePull");
  CHECK(failed.message == "registry unreachable");
  CHECK(failed.event.type == "Warning");
  CHECK(failed.event.reason == "Failed");
  CHECK(failed.event.message == "Failed to pull image \"busybox\": registry unreachable");

  auto d = agent::decide_image("busybox", "Always", "uid", backoff, now + 9s, kAbsent);
  CHECK(d.waiting_reason == "ImagePullBackOff");
  CHECK(d.message == "Back-off pulling image \"busybox\"");
  CHECK(d.event.reason == "BackOff");
  // Another pod, or another image, is not held back.
  CHECK(agent::decide_image("busybox", "Always", "uid2", backoff, now + 9s, kAbsent).action ==
        agent::ImageAction::pull);
  CHECK(agent::decide_image("alpine", "Always", "uid", backoff, now + 9s, kAbsent).action ==
        agent::ImageAction::pull);
  CHECK(agent::decide_image("busybox", "Always", "uid", backoff, now + 10s, kAbsent).action ==
        agent::ImageAction::pull);

  const std::string key = agent::image_backoff_key("uid", "busybox");
  std::vector<long> delays;
  for (int i = 0; i < 7; ++i) {
    now += 5s;
    delays.push_back(
        std::chrono::duration_cast<std::chrono::seconds>(backoff.next(key, now)).count());
  }
  CHECK(delays == std::vector<long>{20, 40, 80, 160, 300, 300, 300});
  // Quiet for more than 2 x 300 s: the series starts over.
  now += 601s;
  CHECK(backoff.next(key, now) == 10s);
  backoff.gc(now + 601s);
  CHECK(backoff.size() == 0);
}

TEST_CASE("a successful pull reports the kubelet's Pulled message", "[unit]") {
  agent::ImagePullBackoff backoff;
  auto d = agent::pull_finished("busybox:1.36", "uid", std::nullopt, 1534ms, 4261550, backoff, {});
  CHECK(d.action == agent::ImageAction::use_present);
  CHECK(d.event.reason == "Pulled");
  CHECK(d.event.message ==
        "Successfully pulled image \"busybox:1.36\" in 1.534s (1.534s including waiting). Image "
        "size: 4261550 bytes.");
  CHECK(agent::go_duration(250ms) == "250ms");
  CHECK(agent::go_duration(1500us) == "1.5ms");
  CHECK(agent::go_duration(90s) == "1m30s");
  CHECK(agent::go_duration(3723500ms) == "1h2m3.5s");
  CHECK(agent::go_duration(0s) == "0s");
}
