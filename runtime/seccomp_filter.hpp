// runtime/seccomp_filter.hpp: turn a SeccompSpec into the BPF program the container's process
// loads just before exec.
//
// Contract: compile_seccomp() runs in the spawning process (libseccomp allocates; the spawned
// child must not), and returns the raw sock_filter program, empty for Unconfined. The child
// only hands it to the kernel (runtime/spawn_child.cpp).
//  - RuntimeDefault: the containerd/Docker default profile expressed as a deny list: every
//    syscall that profile leaves out returns EPERM (clone3 returns ENOSYS so libcs fall back
//    to clone, whose namespace flags are refused), except where the container holds the
//    capability that profile makes it conditional on (CAP_SYS_ADMIN for mount, CAP_SYS_PTRACE for
//    process_vm_readv, ...). keyctl, add_key and request_key are refused always.
//  - Localhost: an OCI / Docker format JSON profile (defaultAction, defaultErrnoRet,
//    architectures, syscalls[].names|name/action/errnoRet/args, includes/excludes.caps). An
//    unreadable file, bad JSON, or an unknown action, operator or architecture is an Error
//    naming the file and what is wrong. Syscall names this libseccomp does not know are skipped,
//    as runc does.
#pragma once

#include <linux/filter.h>

#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "runtime/capabilities.hpp"
#include "runtime/container_spec.hpp"

namespace runtime {

using SeccompProgram = std::vector<sock_filter>;

base::Result<SeccompProgram> compile_seccomp(const SeccompSpec& spec, CapabilitySet capabilities);

// A Localhost profile given as text (`origin` names it in errors).
base::Result<SeccompProgram> compile_seccomp_profile(std::string_view json_text,
                                                     std::string_view origin,
                                                     CapabilitySet capabilities);

}  // namespace runtime
