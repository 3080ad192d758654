// tests/runtime/etc_files_test.cpp: the per-pod hosts and resolv.conf texts.
#include "runtime/etc_files.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "base/file.hpp"

TEST_CASE("hosts file of a pod network pod, as the kubelet writes it", "[unit]") {
  runtime::HostsFileSpec spec;
  spec.host_network = false;
  spec.pod_ips = {"10.0.0.5"};
  spec.hostname = "web-0";
  spec.domain = "web.default.svc.cluster.local";
  spec.host_aliases = {{"1.2.3.4", {"foo", "bar"}}};
  CHECK(runtime::make_hosts_file(spec) ==
        "# Kubernetes-managed hosts file.\n"
        "127.0.0.1\tlocalhost\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\n"
        "fe00::0\tip6-mcastprefix\n"
        "fe00::1\tip6-allnodes\n"
        "fe00::2\tip6-allrouters\n"
        "10.0.0.5\tweb-0.web.default.svc.cluster.local\tweb-0\n"
        "\n# Entries added by HostAliases.\n"
        "1.2.3.4\tfoo\tbar\n");
}

TEST_CASE("hosts file of a host network pod copies the node's", "[unit]") {
  runtime::HostsFileSpec spec;
  spec.node_hosts = "127.0.0.1 localhost\n";
  CHECK(runtime::make_hosts_file(spec) ==
        "# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n");
}

TEST_CASE("resolv.conf parsed from the node's and written back", "[unit]") {
  auto conf = runtime::parse_resolv_conf(
      "# comment\nnameserver 10.0.0.2\nnameserver 10.0.0.3 # second\nsearch a.example b.example\n"
      "options ndots:2 edns0\nsortlist 1.2.3.4\n");
  CHECK(conf.nameservers == std::vector<std::string>{"10.0.0.2", "10.0.0.3"});
  CHECK(conf.searches == std::vector<std::string>{"a.example", "b.example"});
  CHECK(runtime::make_resolv_conf(conf) ==
        "search a.example b.example\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n"
        "options ndots:2 edns0\n");
}

TEST_CASE("write_etc_files writes the three files and their mounts", "[unit]") {
  char templ[] = "/tmp/batchlet-etc-XXXXXX";
  REQUIRE(::mkdtemp(templ) != nullptr);
  const std::filesystem::path dir = templ;
  auto mounts = runtime::write_etc_files(dir, {"pod\n", "hosts\n", "nameserver 1.1.1.1\n"});
  REQUIRE(mounts.ok());
  REQUIRE(mounts->size() == 3);
  CHECK((*mounts)[1].source == dir / "hosts");
  CHECK((*mounts)[1].destination == "/etc/hosts");
  CHECK(base::read_file(dir / "hostname").value() == "pod\n");
  CHECK(base::read_file(dir / "resolv.conf").value() == "nameserver 1.1.1.1\n");
  std::filesystem::remove_all(dir);
}
