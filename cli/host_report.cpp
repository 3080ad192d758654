// cli/host_report.cpp: see host_report.hpp.
#include "cli/host_report.hpp"

#include <sys/utsname.h>

#include <filesystem>
#include <sstream>

#include "base/file.hpp"
#include "cgroups/discovery.hpp"

namespace cli {
namespace {

std::string first_line(const std::filesystem::path& file) {
  auto text = base::read_file(file);
  if (!text.ok()) return "";
  return text->substr(0, text->find('\n'));
}

std::string join(const std::vector<std::string>& words, const char* separator) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

std::string cgroup_finding(const std::string& tree) {
  auto found = cgroups::discover();
  if (!found.ok()) return "unusable: " + found.error().message();
  const cgroups::Discovery& d = *found;
  std::string out = std::string(cgroups::to_string(d.mode)) + ", cgroup2 at " + d.mount.string() +
                    "; tree " + (d.base.empty() || d.base == "/" ? "/" : d.base + "/") + tree +
                    " (" + std::string(cgroups::to_string(d.tree_mode)) + ")";
  out += "; controllers: " + (d.available.empty() ? std::string("none") : join(d.available, ","));
  if (const std::string degraded = cgroups::degradation_message(d.missing); !degraded.empty()) {
    out += " (" + degraded + ")";
  }
  for (const auto& note : d.notes) out += "; " + note;
  return out;
}

std::string seccomp_finding() {
  const std::string actions = first_line("/proc/sys/kernel/seccomp/actions_avail");
  if (actions.empty()) return "unavailable (no /proc/sys/kernel/seccomp): pods run unfiltered";
  return "available (actions: " + actions + ")";
}

std::string user_namespace_finding() {
  const std::string max = first_line("/proc/sys/user/max_user_namespaces");
  if (max.empty() || max == "0") return "unavailable: rootless mode cannot work";
  std::string out = "available (max " + max + ")";
  // Debian's knob for unprivileged users; absent on kernels without the patch.
  if (first_line("/proc/sys/kernel/unprivileged_userns_clone") == "0") {
    out += ", not for unprivileged users (kernel.unprivileged_userns_clone=0)";
  }
  return out;
}

std::string overlay_finding() {
  auto text = base::read_file("/proc/filesystems");
  if (text.ok() && text->find("\toverlay\n") != std::string::npos) return "available";
  return "not loaded (modprobe overlay): images cannot run, only batchlet.local/host";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> host_report(const std::string& cgroup_tree) {
  utsname uts{};
  std::string kernel = "unknown";
  if (::uname(&uts) == 0) kernel = std::string(uts.sysname) + " " + uts.release + " " + uts.machine;
  const bool systemd = std::filesystem::exists("/run/systemd/system");
  return {
      {"kernel", kernel},
      {"cgroups", cgroup_finding(cgroup_tree)},
      {"seccomp", seccomp_finding()},
      {"user namespaces", user_namespace_finding()},
      {"overlayfs", overlay_finding()},
      {"systemd", systemd ? "the service manager (batchlet.service can run)"
                          : "not running (start `batchlet serve` by other means)"},
  };
}

}  // namespace cli
