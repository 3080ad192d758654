// runtime/etc_files.cpp: see etc_files.hpp. Layout of the hosts file from the kubelet's
// managedHostsFileContent / nodeHostsFileContent / hostsEntriesFromHostAliases.
#include "runtime/etc_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "base/unique_fd.hpp"

namespace runtime {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) out.append(sep);
    out.append(parts[i]);
  }
  return out;
}

base::Status write_atomically(const std::filesystem::path& file, const std::string& content) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  base::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return base::Error::from_errno("create " + tmp.string(), errno);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Error::from_errno("write " + tmp.string(), errno);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return base::Error::from_errno("fsync " + tmp.string(), errno);
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    return base::Error::from_errno("rename " + tmp.string(), errno);
  }
  return {};
}

}  // namespace

std::string make_hosts_file(const HostsFileSpec& spec) {
  std::string out;
  if (spec.host_network) {
    out += "# Kubernetes-managed hosts file (host network).\n";
    out += spec.node_hosts;
  } else {
    out += "# Kubernetes-managed hosts file.\n";
    out += "127.0.0.1\tlocalhost\n";
    out += "::1\tlocalhost ip6-localhost ip6-loopback\n";
    out += "fe00::0\tip6-localnet\n";
    out += "fe00::0\tip6-mcastprefix\n";
    out += "fe00::1\tip6-allnodes\n";
    out += "fe00::2\tip6-allrouters\n";
    for (const auto& ip : spec.pod_ips) {
      out += ip;
      out += '\t';
      if (!spec.domain.empty()) {
        out += spec.hostname;
        out += '.';
        out += spec.domain;
        out += '\t';
      }
      out += spec.hostname;
      out += '\n';
    }
  }
  if (!spec.host_aliases.empty()) {
    out += "\n# Entries added by HostAliases.\n";
    for (const auto& alias : spec.host_aliases) {
      out += alias.ip;
      out += '\t';
      out += join(alias.hostnames, "\t");
      out += '\n';
    }
  }
  return out;
}

std::string make_resolv_conf(const ResolvConf& conf) {
  std::string out;
  if (!conf.searches.empty()) {
    out += "search ";
    out += join(conf.searches, " ");
    out += '\n';
  }
  for (const auto& server : conf.nameservers) {
    out += "nameserver ";
    out += server;
    out += '\n';
  }
  if (!conf.options.empty()) {
    out += "options ";
    out += join(conf.options, " ");
    out += '\n';
  }
  return out;
}

ResolvConf parse_resolv_conf(std::string_view text) {
  ResolvConf conf;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (auto hash = line.find_first_of("#;"); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string key;
    if (!(words >> key)) continue;
    std::vector<std::string> values;
    for (std::string w; words >> w;) values.push_back(w);
    if (key == "nameserver" && !values.empty()) {
      conf.nameservers.push_back(values.front());
    } else if (key == "search" || key == "domain") {
      conf.searches = values;  // the last search/domain line wins, as in resolv.conf(5)
    } else if (key == "options") {
      conf.options.insert(conf.options.end(), values.begin(), values.end());
    }
  }
  return conf;
}

base::Result<std::vector<MountSpec>> write_etc_files(const std::filesystem::path& dir,
                                                     const EtcFiles& files) {
  const std::pair<const char*, const std::string*> entries[] = {
      {"hostname", &files.hostname}, {"hosts", &files.hosts}, {"resolv.conf", &files.resolv_conf}};
  std::vector<MountSpec> mounts;
  for (const auto& [name, content] : entries) {
    if (auto s = write_atomically(dir / name, *content); !s) return s.error();
    MountSpec mount;
    mount.kind = MountSpec::Kind::bind;
    mount.source = dir / name;
    mount.destination = std::filesystem::path("/etc") / name;
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

}  // namespace runtime
