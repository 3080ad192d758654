// runtime/etc_files.hpp: the per-pod /etc/hostname, /etc/hosts and /etc/resolv.conf, written the
// way the kubelet (hosts) and containerd (resolv.conf, hostname) write them, and bind-mounted
// into every container of the pod.
//
// Contract: the make_* functions are pure (text out); write_etc_files() writes the three files
// into a per-pod directory (each written to a temporary name, fsynced and renamed, so a reader
// never sees half a file) and returns the bind mounts to add to each container's spec.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "runtime/container_spec.hpp"

namespace runtime {

struct HostAlias {
  std::string ip;
  std::vector<std::string> hostnames;
};

struct HostsFileSpec {
  bool host_network = true;
  std::string node_hosts;  // host network: the node's /etc/hosts text, copied below a header
  std::vector<std::string> pod_ips;  // pod network: one line per IP naming the pod
  std::string hostname;
  std::string domain;  // "<subdomain>.<namespace>.svc.<cluster-domain>" when set
  std::vector<HostAlias> host_aliases;
};

struct ResolvConf {
  std::vector<std::string> nameservers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
};

std::string make_hosts_file(const HostsFileSpec& spec);

// "search ...", "nameserver ..." lines, "options ..." (containerd's order).
std::string make_resolv_conf(const ResolvConf& conf);

// Reads nameserver/search/domain/options lines of a resolv.conf text (the node's, for
// dnsPolicy Default); comments and unknown lines are ignored.
ResolvConf parse_resolv_conf(std::string_view text);

struct EtcFiles {
  std::string hostname;
  std::string hosts;
  std::string resolv_conf;
};

// Writes <dir>/hostname, <dir>/hosts, <dir>/resolv.conf and returns the bind mounts onto
// /etc/hostname, /etc/hosts and /etc/resolv.conf (writable, as the kubelet mounts them).
base::Result<std::vector<MountSpec>> write_etc_files(const std::filesystem::path& dir,
                                                     const EtcFiles& files);

}  // namespace runtime
