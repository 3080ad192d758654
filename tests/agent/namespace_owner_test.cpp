// tests/agent/namespace_owner_test.cpp: what the pods of a local user's namespace may ask for
// (agent/namespace_owner.hpp), and that their containers run as that user whatever the
// manifest says.
#include "agent/namespace_owner.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "agent/container_spec_builder.hpp"

namespace {

agent::NamespaceOwner alice() {
  agent::NamespaceOwner owner;
  owner.uid = 1001;
  owner.gid = 1001;
  owner.groups = {1001, 27};
  owner.login = "alice";
  owner.home = "/home/alice";
  return owner;
}

std::vector<std::string> refused(const api::PodSpec& spec,
                                 const std::vector<std::filesystem::path>& shared = {}) {
  std::vector<std::string> out;
  for (const auto& e : agent::owner_policy_errors(spec, alice(), shared, "spec.template.spec")) {
    out.push_back(e.to_string());
  }
  return out;
}

api::Volume host_path(const std::string& name, const std::string& path) {
  api::Volume volume;
  volume.name = name;
  volume.host_path.emplace().path = path;
  return volume;
}

}  // namespace

TEST_CASE("a user's pod may ask for nothing beyond the user", "[unit]") {
  api::PodSpec spec;
  spec.containers.push_back(api::Container{});
  CHECK(refused(spec).empty());

  // Their own identity, their own groups and their home are fine.
  spec.security_context.emplace().run_as_user = 1001;
  spec.security_context->run_as_group = 1001;
  spec.security_context->supplemental_groups = {27};
  spec.containers[0].security_context.emplace().run_as_user = 1001;
  spec.volumes = {host_path("home", "/home/alice"), host_path("data", "/home/alice/data/")};
  CHECK(refused(spec).empty());

  spec.security_context->run_as_user = 0;
  spec.security_context->supplemental_groups = {27, 0};
  spec.init_containers.push_back(api::Container{});
  spec.init_containers[0].security_context.emplace().privileged = true;
  spec.containers[0].security_context->run_as_group = 0;
  spec.containers[0].security_context->capabilities.emplace().add = {"SYS_ADMIN"};
  spec.volumes = {host_path("etc", "/etc"), host_path("up", "/home/alice/../bob"),
                  host_path("near", "/home/alicex")};
  CHECK(refused(spec) ==
        std::vector<std::string>{
            "spec.template.spec.securityContext.runAsUser: Forbidden: pods of this namespace run "
            "as alice (uid 1001) only",
            "spec.template.spec.securityContext.supplementalGroups[1]: Forbidden: pods of this "
            "namespace have the groups of alice (uid 1001) only",
            "spec.template.spec.initContainers[0].securityContext.privileged: Forbidden: pods of "
            "this namespace may not be privileged",
            "spec.template.spec.containers[0].securityContext.runAsGroup: Forbidden: pods of this "
            "namespace run with group 1001 only",
            "spec.template.spec.containers[0].securityContext.capabilities.add: Forbidden: pods "
            "of this namespace may not add capabilities",
            "spec.template.spec.volumes[0].hostPath.path: Forbidden: pods of this namespace may "
            "mount only paths under /home/alice or a path the admin shares",
            "spec.template.spec.volumes[1].hostPath.path: Forbidden: pods of this namespace may "
            "mount only paths under /home/alice or a path the admin shares",
            "spec.template.spec.volumes[2].hostPath.path: Forbidden: pods of this namespace may "
            "mount only paths under /home/alice or a path the admin shares"});

  api::PodSpec shared;
  shared.containers.push_back(api::Container{});
  shared.volumes = {host_path("scratch", "/scratch/run1")};
  CHECK(refused(shared, {"/scratch"}).empty());
  CHECK(refused(shared, {"/scratch/run2"}).size() == 1);
}

TEST_CASE("a container of a user's namespace runs as the user whatever it asks", "[unit]") {
  api::Pod pod;
  pod.metadata.name = "p";
  pod.metadata.uid = "uid-1";
  api::Container container;
  container.name = "main";
  container.command = {"id"};
  auto& sc = container.security_context.emplace();
  sc.run_as_user = 0;
  sc.privileged = true;
  sc.capabilities.emplace().add = {"SYS_ADMIN"};
  pod.spec.security_context.emplace().supplemental_groups = {0};
  pod.spec.containers.push_back(container);

  agent::ContainerContext ctx;
  ctx.pod = &pod;
  ctx.container = &pod.spec.containers[0];
  ctx.paths = base::Paths("/var/lib/batchlet");
  ctx.owner = alice();
  auto request = agent::build_start_request(ctx);
  REQUIRE(request.ok());
  const runtime::ContainerSpec& spec = request->spec;
  CHECK(spec.uid == 1001);
  CHECK(spec.gid == 1001);
  CHECK(spec.supplementary_groups == std::vector<std::uint32_t>{1001, 27});
  CHECK_FALSE(spec.user_name.has_value());
  CHECK_FALSE(spec.privileged);
  CHECK(spec.capabilities_add.empty());
  CHECK(std::count(spec.env.begin(), spec.env.end(), "HOME=/home/alice") == 1);

  // Without an owner the manifest decides.
  ctx.owner.reset();
  auto as_asked = agent::build_start_request(ctx);
  REQUIRE(as_asked.ok());
  CHECK(as_asked->spec.uid == 0);
  CHECK(as_asked->spec.privileged);
}

TEST_CASE("the owner of a uid comes from the passwd database", "[unit]") {
  auto root = agent::local_user(0);
  REQUIRE(root.ok());
  CHECK(root->login == "root");
  CHECK(root->gid == 0);
  CHECK(std::find(root->groups.begin(), root->groups.end(), 0u) != root->groups.end());
  auto nobody = agent::local_user(4'000'000'000u);
  REQUIRE_FALSE(nobody.ok());
  CHECK(nobody.error().message() == "uid 4000000000 has no passwd entry");
}
