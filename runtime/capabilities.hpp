// runtime/capabilities.hpp: the capability sets a container gets, from names the way the kubelet
// and containerd spell them.
//
// Contract: a CapabilitySet is a bitmask over capability numbers (bit n = capability n). Names are
// accepted with or without the "CAP_" prefix, in any case ("NET_ADMIN", "cap_net_admin"); "ALL"
// means every capability the running kernel knows. An unknown name is an Error naming it.
// Resolution follows containerd: start from the container default set (or every capability
// when privileged); "ALL" in add gives every capability, "ALL" in drop none; then single adds,
// then single drops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace runtime {

using CapabilitySet = std::uint64_t;

// The highest capability number the running kernel knows (/proc/sys/kernel/cap_last_cap).
int last_capability();

// Every capability the kernel knows.
CapabilitySet all_capabilities();

// containerd's default set: CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP
// SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE.
CapabilitySet default_capabilities();

// The capability number of a name, or an Error `unknown capability "CAP_FOO"`.
base::Result<int> capability_number(const std::string& name);

// The set a container gets.
base::Result<CapabilitySet> resolve_capabilities(bool privileged,
                                                 const std::vector<std::string>& add,
                                                 const std::vector<std::string>& drop);

inline bool has_capability(CapabilitySet set, int cap) { return ((set >> cap) & 1U) != 0; }

}  // namespace runtime
