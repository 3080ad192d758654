// runtime/program_plan.cpp: see program_plan.hpp.
#include "runtime/program_plan.hpp"

#include <linux/capability.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/host_process.hpp"

namespace runtime::detail {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

CapabilitySet own_permitted_capabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return all_capabilities();
  return (CapabilitySet{data[1].permitted} << 32) | data[0].permitted;
}

}  // namespace

base::Status ProgramPlan::prepare(const ContainerSpec& spec, std::vector<std::string> argv,
                                  bool rootless) {
  auto user = resolve_user(spec);
  if (!user.ok()) return user.error();
  user_ = std::move(*user);
  auto caps = resolve_capabilities(spec.privileged, spec.capabilities_add, spec.capabilities_drop);
  if (!caps.ok()) return caps.error();
  // A container cannot get what its spawner lacks (a sandboxed spawner may miss some); rootless,
  // it gets them in its own user namespace.
  capabilities_ = rootless ? *caps : (*caps & own_permitted_capabilities());
  if (!spec.privileged) {
    auto program = compile_seccomp(spec.seccomp, capabilities_);
    if (!program.ok()) return program.error();
    seccomp_ = std::move(*program);
  }
  argv_ = std::move(argv);
  env_ = spec.env;
  argv_ptrs_ = c_strings(argv_);
  envp_ptrs_ = c_strings(env_);
  path_value_ = env_value(spec.env, "PATH");
  if (path_value_.empty()) path_value_ = std::string(kDefaultPath);
  cwd_ = spec.cwd.empty() ? std::string("/") : spec.cwd.string();
  rlimits_ = spec.rlimits;
  groups_.assign(user_.supplementary_groups.begin(), user_.supplementary_groups.end());
  no_new_privs_ = spec.no_new_privs && !spec.privileged;
  rootless_ = rootless;
  return {};
}

void ProgramPlan::fill(ChildPlan& plan) {
  plan.cwd = cwd_.c_str();
  plan.program = argv_.front().c_str();
  plan.path_value = path_value_.c_str();
  plan.argv = argv_ptrs_.data();
  plan.envp = envp_ptrs_.data();
  plan.rlimits = rlimits_.data();
  plan.rlimit_count = rlimits_.size();
  plan.uid = user_.uid;
  plan.gid = user_.gid;
  plan.groups = groups_.data();
  plan.group_count = rootless_ ? 0 : groups_.size();
  plan.skip_setgroups = rootless_;  // denied with a single-id mapping
  plan.capabilities = capabilities_;
  plan.last_capability = last_capability();
  plan.no_new_privs = no_new_privs_;
  plan.seccomp = seccomp_.empty() ? nullptr : seccomp_.data();
  plan.seccomp_length = seccomp_.size();
  non_default_signals_.clear();
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction current {};
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (::sigaction(sig, nullptr, &current) == 0 && current.sa_handler != SIG_DFL) {
      non_default_signals_.push_back(sig);
    }
  }
  plan.signals_to_default = non_default_signals_.data();
  plan.signal_count = non_default_signals_.size();
}

}  // namespace runtime::detail
