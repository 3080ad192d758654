// runtime/program_plan.hpp: the program half of a child's plan (spawn_plan.hpp) — argv, env,
// PATH, working directory, identity, capabilities, seccomp, rlimits and signal dispositions —
// prepared from a ContainerSpec. The spawner uses it for a container's first process and
// container_exec.hpp for a command run inside a running container, so both get the very same
// identity and privileges. Internal to the runtime.
//
// Contract: prepare() resolves the user in the rootfs, the capability set (never more than
// this process holds, unless rootless) and the seccomp program, or fails with the error the
// spawner reports as CreateContainerError. fill() points a ChildPlan into this object's
// storage, which must outlive the plan's use; the object is neither copied nor moved. Call
// fill() with every signal blocked: it records which dispositions the child must reset.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "runtime/capabilities.hpp"
#include "runtime/container_spec.hpp"
#include "runtime/rootfs_user.hpp"
#include "runtime/seccomp_filter.hpp"
#include "runtime/spawn_plan.hpp"

namespace runtime::detail {

class ProgramPlan {
 public:
  ProgramPlan() = default;
  ProgramPlan(const ProgramPlan&) = delete;
  ProgramPlan& operator=(const ProgramPlan&) = delete;

  // `argv`: the program to run (the spec's own for a container's first process). `rootless`:
  // the spawner runs unprivileged, in a user namespace of its own.
  base::Status prepare(const ContainerSpec& spec, std::vector<std::string> argv, bool rootless);
  void fill(ChildPlan& plan);

  const ResolvedUser& user() const { return user_; }

 private:
  std::vector<std::string> argv_;
  std::vector<std::string> env_;
  std::vector<char*> argv_ptrs_;
  std::vector<char*> envp_ptrs_;
  std::string path_value_;
  std::string cwd_;
  std::vector<Rlimit> rlimits_;
  ResolvedUser user_;
  std::vector<gid_t> groups_;
  CapabilitySet capabilities_ = 0;
  bool no_new_privs_ = true;
  bool rootless_ = false;
  SeccompProgram seccomp_;
  std::vector<int> non_default_signals_;
};

}  // namespace runtime::detail
