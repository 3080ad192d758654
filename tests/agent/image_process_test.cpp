// Image config + pod container -> process, case by case as the kubelet and containerd combine
// them (the table of the Kubernetes docs "Define a Command and Arguments for a Container" plus
// containerd's WithProcessArgs edge cases).
#include "agent/image_process.hpp"

#include <catch2/catch.hpp>

namespace {

using Strings = std::vector<std::string>;

api::Container container(Strings command, Strings args,
                         std::vector<std::pair<std::string, std::string>> env = {}) {
  api::Container c;
  c.name = "c";
  c.image = "busybox";
  c.command = std::move(command);
  c.args = std::move(args);
  for (auto& [name, value] : env) {
    api::EnvVar var;
    var.name = name;
    var.value = value;
    c.env.push_back(std::move(var));
  }
  return c;
}

runtime::ImageConfig image(Strings entrypoint, Strings cmd, Strings env = {}) {
  runtime::ImageConfig config;
  config.entrypoint = std::move(entrypoint);
  config.cmd = std::move(cmd);
  config.env = std::move(env);
  return config;
}

Strings argv(const api::Container& c, const runtime::ImageConfig& i) {
  auto p = agent::image_process(c, i);
  REQUIRE(p.ok());
  return p->argv;
}

}  // namespace

TEST_CASE("command and args combine with Entrypoint and Cmd as the kubelet does", "[unit]") {
  const auto img = image({"/ep-1"}, {"foo", "bar"});
  // Neither given: the image's own.
  CHECK(argv(container({}, {}), img) == Strings{"/ep-1", "foo", "bar"});
  // command only: Entrypoint and Cmd both ignored.
  CHECK(argv(container({"/cmd-1"}, {}), img) == Strings{"/cmd-1"});
  // args only: Entrypoint kept, Cmd replaced.
  CHECK(argv(container({}, {"zoo", "boo"}), img) == Strings{"/ep-1", "zoo", "boo"});
  // Both: the image's ignored.
  CHECK(argv(container({"/cmd-1"}, {"zoo", "boo"}), img) == Strings{"/cmd-1", "zoo", "boo"});
  // An image with only Cmd, and an Entrypoint of [""] (reset in a Dockerfile).
  CHECK(argv(container({}, {}), image({}, {"sh"})) == Strings{"sh"});
  CHECK(argv(container({}, {}), image({""}, {"sh", "-c", "x"})) == Strings{"sh", "-c", "x"});
  CHECK(argv(container({}, {"echo", "x"}), image({}, {"sh"})) == Strings{"echo", "x"});
  auto none = agent::image_process(container({}, {}), image({}, {}));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message() == "no command specified");
}

TEST_CASE("$(VAR) expands from the pod's env only, $$ escapes", "[unit]") {
  const auto c = container({"sh", "-c", "echo $(GREETING) $(IMAGE_ONLY) $$(GREETING) $(MISSING"},
                           {"$(B)"}, {{"GREETING", "hi"}, {"B", "$(GREETING)-b"}});
  const auto img = image({}, {}, {"IMAGE_ONLY=from-image"});
  const auto p = agent::image_process(c, img);
  REQUIRE(p.ok());
  CHECK(p->argv == Strings{"sh", "-c", "echo hi $(IMAGE_ONLY) $(GREETING) $(MISSING", "hi-b"});
}

TEST_CASE("image Env lies under the pod's env, over the default PATH", "[unit]") {
  const auto c = container({"x"}, {}, {{"A", "pod"}, {"C", "$(A)-c"}, {"A", "again"}});
  auto img = image({}, {}, {"B=image", "A=image", "PATH=/image/bin"});
  auto p = agent::image_process(c, img);
  REQUIRE(p.ok());
  CHECK(p->env == Strings{"PATH=/image/bin", "B=image", "A=again", "C=pod-c"});
  p = agent::image_process(c, image({}, {}));
  REQUIRE(p.ok());
  CHECK(p->env == Strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                          "A=again", "C=pod-c"});
}

TEST_CASE("workingDir and user come from the container, then the image", "[unit]") {
  auto c = container({"x"}, {});
  auto img = image({}, {});
  CHECK(agent::image_process(c, img)->cwd == "/");
  img.working_dir = "/srv";
  img.user = "1000:1000";
  CHECK(agent::image_process(c, img)->cwd == "/srv");
  CHECK(agent::image_process(c, img)->user == "1000:1000");
  c.working_dir = "/work";
  CHECK(agent::image_process(c, img)->cwd == "/work");
}
