// runtime/capabilities.cpp: see capabilities.hpp.
#include "runtime/capabilities.hpp"

#include <linux/capability.h>
#include <sys/capability.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base/file.hpp"

namespace runtime {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

bool is_all(const std::string& name) { return upper(name) == "ALL" || upper(name) == "CAP_ALL"; }

}  // namespace

int last_capability() {
  static const int last = [] {
    auto text = base::read_file("/proc/sys/kernel/cap_last_cap", 32);
    if (text.ok()) {
      const int n = std::atoi(text->c_str());
      if (n > 0 && n < 64) return n;
    }
    return CAP_LAST_CAP;  // the kernel headers we were built against
  }();
  return last;
}

CapabilitySet all_capabilities() {
  const int last = last_capability();
  return last >= 63 ? ~CapabilitySet{0} : (CapabilitySet{1} << (last + 1)) - 1;
}

CapabilitySet default_capabilities() {
  CapabilitySet set = 0;
  for (int cap : {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW,
                  CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
                  CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE}) {
    set |= CapabilitySet{1} << cap;
  }
  return set;
}

base::Result<int> capability_number(const std::string& name) {
  std::string canonical = upper(name);
  if (canonical.rfind("CAP_", 0) != 0) canonical.insert(0, "CAP_");
  // libcap knows the names of every capability of the kernel headers it was built with.
  cap_value_t value = 0;
  std::string lower = canonical;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (cap_from_name(lower.c_str(), &value) != 0 || value < 0 || value > last_capability()) {
    return base::Error("unknown capability \"" + canonical + "\"");
  }
  return static_cast<int>(value);
}

base::Result<CapabilitySet> resolve_capabilities(bool privileged,
                                                 const std::vector<std::string>& add,
                                                 const std::vector<std::string>& drop) {
  // containerd's order: "ALL" in add, then "ALL" in drop, then single adds, then single drops
  // (so a capability both added and dropped ends up dropped).
  CapabilitySet set = privileged ? all_capabilities() : default_capabilities();
  if (std::any_of(add.begin(), add.end(), is_all)) set = all_capabilities();
  if (std::any_of(drop.begin(), drop.end(), is_all)) set = 0;
  for (const auto& name : add) {
    if (is_all(name)) continue;
    auto cap = capability_number(name);
    if (!cap) return cap.error().context("add capability");
    set |= CapabilitySet{1} << *cap;
  }
  for (const auto& name : drop) {
    if (is_all(name)) continue;
    auto cap = capability_number(name);
    if (!cap) return cap.error().context("drop capability");
    set &= ~(CapabilitySet{1} << *cap);
  }
  return set;
}

}  // namespace runtime
