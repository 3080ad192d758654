// runtime/seccomp_filter.cpp: see seccomp_filter.hpp.
#include "runtime/seccomp_filter.hpp"

#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/file.hpp"
#include "base/unique_fd.hpp"

namespace runtime {
namespace {

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

base::Error seccomp_error(std::string_view what, int rc) {
  return base::Error::from_errno(what, -rc);
}

// The architectures a filter covers: the native one plus the compat ABIs a process on it can
// call through (a deny list that forgot them could be bypassed with int 0x80).
base::Status add_compat_arches(scmp_filter_ctx ctx) {
#if defined(__x86_64__)
  for (std::uint32_t arch : {SCMP_ARCH_X86, SCMP_ARCH_X32}) {
    const int rc = seccomp_arch_add(ctx, arch);
    if (rc != 0 && rc != -EEXIST) return seccomp_error("seccomp: add architecture", rc);
  }
#elif defined(__aarch64__)
  const int rc = seccomp_arch_add(ctx, SCMP_ARCH_ARM);
  if (rc != 0 && rc != -EEXIST) return seccomp_error("seccomp: add architecture", rc);
#else
  (void)ctx;
#endif
  return {};
}

base::Result<SeccompProgram> export_bpf(scmp_filter_ctx ctx) {
  base::UniqueFd memfd(::memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!memfd.valid()) return base::Error::from_errno("seccomp: memfd_create", errno);
  if (int rc = seccomp_export_bpf(ctx, memfd.get()); rc != 0) {
    return seccomp_error("seccomp: export BPF", rc);
  }
  const off_t size = ::lseek(memfd.get(), 0, SEEK_END);
  if (size < 0 || size % sizeof(sock_filter) != 0) {
    return base::Error("seccomp: export BPF: unexpected program size");
  }
  SeccompProgram program(static_cast<std::size_t>(size) / sizeof(sock_filter));
  if (::pread(memfd.get(), program.data(), static_cast<std::size_t>(size), 0) != size) {
    return base::Error::from_errno("seccomp: read exported BPF", errno);
  }
  return program;
}

// One rule of the default profile's deny list: the syscall, and the capabilities any of which
// makes the default profile allow it (empty: never allowed).
struct DenyRule {
  const char* name;
  std::vector<int> unless_any_of;
};

const std::vector<DenyRule>& default_deny_list() {
  static const std::vector<DenyRule> rules = {
      // Never allowed, whatever the capabilities.
      {"keyctl", {}},
      {"add_key", {}},
      {"request_key", {}},
      {"uselib", {}},
      {"ustat", {}},
      {"sysfs", {}},
      {"_sysctl", {}},
      {"nfsservctl", {}},
      {"move_pages", {}},
      {"userfaultfd", {CAP_SYS_PTRACE}},
      // CAP_SYS_ADMIN
      {"mount", {CAP_SYS_ADMIN}},
      {"umount", {CAP_SYS_ADMIN}},
      {"umount2", {CAP_SYS_ADMIN}},
      {"pivot_root", {CAP_SYS_ADMIN}},
      {"unshare", {CAP_SYS_ADMIN}},
      {"setns", {CAP_SYS_ADMIN}},
      {"swapon", {CAP_SYS_ADMIN}},
      {"swapoff", {CAP_SYS_ADMIN}},
      {"quotactl", {CAP_SYS_ADMIN}},
      {"quotactl_fd", {CAP_SYS_ADMIN}},
      {"lookup_dcookie", {CAP_SYS_ADMIN}},
      {"fanotify_init", {CAP_SYS_ADMIN}},
      {"name_to_handle_at", {CAP_SYS_ADMIN}},
      {"fsopen", {CAP_SYS_ADMIN}},
      {"fsconfig", {CAP_SYS_ADMIN}},
      {"fsmount", {CAP_SYS_ADMIN}},
      {"fspick", {CAP_SYS_ADMIN}},
      {"move_mount", {CAP_SYS_ADMIN}},
      {"open_tree", {CAP_SYS_ADMIN}},
      {"mount_setattr", {CAP_SYS_ADMIN}},
      {"bpf", {CAP_SYS_ADMIN, CAP_BPF}},
      {"perf_event_open", {CAP_SYS_ADMIN, CAP_PERFMON}},
      {"open_by_handle_at", {CAP_DAC_READ_SEARCH}},
      {"syslog", {CAP_SYSLOG}},
      // Kernel and machine control
      {"kexec_load", {CAP_SYS_BOOT}},
      {"kexec_file_load", {CAP_SYS_BOOT}},
      {"reboot", {CAP_SYS_BOOT}},
      {"init_module", {CAP_SYS_MODULE}},
      {"finit_module", {CAP_SYS_MODULE}},
      {"delete_module", {CAP_SYS_MODULE}},
      {"create_module", {CAP_SYS_MODULE}},
      {"query_module", {CAP_SYS_MODULE}},
      {"get_kernel_syms", {CAP_SYS_MODULE}},
      {"acct", {CAP_SYS_PACCT}},
      {"iopl", {CAP_SYS_RAWIO}},
      {"ioperm", {CAP_SYS_RAWIO}},
      {"settimeofday", {CAP_SYS_TIME}},
      {"stime", {CAP_SYS_TIME}},
      {"clock_settime", {CAP_SYS_TIME}},
      {"clock_settime64", {CAP_SYS_TIME}},
      {"clock_adjtime", {CAP_SYS_TIME}},
      {"clock_adjtime64", {CAP_SYS_TIME}},
      {"vhangup", {CAP_SYS_TTY_CONFIG}},
      {"get_mempolicy", {CAP_SYS_NICE}},
      {"set_mempolicy", {CAP_SYS_NICE}},
      {"mbind", {CAP_SYS_NICE}},
      // Other processes' memory (ptrace itself is allowed: kernels >= 4.8 check it properly)
      {"kcmp", {CAP_SYS_PTRACE}},
      {"process_vm_readv", {CAP_SYS_PTRACE}},
      {"process_vm_writev", {CAP_SYS_PTRACE}},
      {"pidfd_getfd", {CAP_SYS_PTRACE}},
  };
  return rules;
}

bool any_of(CapabilitySet caps, const std::vector<int>& wanted) {
  for (int cap : wanted) {
    if (has_capability(caps, cap)) return true;
  }
  return false;
}

base::Result<SeccompProgram> compile_runtime_default(CapabilitySet caps) {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return base::Error("seccomp: init failed");
  if (auto s = add_compat_arches(ctx.get()); !s) return s.error();
  for (const auto& rule : default_deny_list()) {
    if (any_of(caps, rule.unless_any_of)) continue;
    const int nr = seccomp_syscall_resolve_name(rule.name);
    if (nr == __NR_SCMP_ERROR) continue;  // not a syscall on this architecture
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), nr, 0); rc != 0) {
      return seccomp_error(std::string("seccomp: deny ") + rule.name, rc);
    }
  }
  if (!has_capability(caps, CAP_SYS_ADMIN)) {
    // clone3 passes its flags in memory a filter cannot inspect: ENOSYS makes libcs use clone.
    const int clone3 = seccomp_syscall_resolve_name("clone3");
    if (clone3 != __NR_SCMP_ERROR) {
      if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), clone3, 0); rc != 0) {
        return seccomp_error("seccomp: deny clone3", rc);
      }
    }
    // clone with any namespace flag (the flags are the first argument on x86 and arm).
    const int clone = seccomp_syscall_resolve_name("clone");
    for (std::uint64_t flag : {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
                               CLONE_NEWNET, CLONE_NEWCGROUP}) {
      if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), clone, 1,
                                    SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
          rc != 0) {
        return seccomp_error("seccomp: restrict clone flags", rc);
      }
    }
  }
  return export_bpf(ctx.get());
}

std::optional<std::uint32_t> parse_action(const std::string& name, int errno_ret) {
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(static_cast<std::uint16_t>(errno_ret));
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(static_cast<std::uint16_t>(errno_ret));
  return std::nullopt;
}

std::optional<scmp_compare> parse_op(const std::string& name) {
  if (name == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (name == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (name == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (name == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (name == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (name == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (name == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  return std::nullopt;
}

std::optional<std::uint32_t> parse_arch(const std::string& name) {
  static const std::map<std::string, std::uint32_t> arches = {
      {"SCMP_ARCH_X86", SCMP_ARCH_X86},
      {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
      {"SCMP_ARCH_X32", SCMP_ARCH_X32},
      {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
      {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
      {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
      {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
      {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
      {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
      {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
      {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
      {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
      {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
      {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
      {"SCMP_ARCH_S390", SCMP_ARCH_S390},
      {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
      {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
  };
  auto it = arches.find(name);
  if (it == arches.end()) return std::nullopt;
  return it->second;
}

// Docker's includes/excludes: only the capability conditions change what a container may do.
bool rule_applies(const nlohmann::json& rule, CapabilitySet caps) {
  auto caps_of = [](const nlohmann::json& j) {
    std::vector<std::string> names;
    if (j.is_object() && j.contains("caps") && j["caps"].is_array()) {
      for (const auto& c : j["caps"]) {
        if (c.is_string()) names.push_back(c.get<std::string>());
      }
    }
    return names;
  };
  if (rule.contains("includes")) {
    for (const auto& name : caps_of(rule["includes"])) {
      auto cap = capability_number(name);
      if (!cap || !has_capability(caps, *cap)) return false;
    }
  }
  if (rule.contains("excludes")) {
    for (const auto& name : caps_of(rule["excludes"])) {
      auto cap = capability_number(name);
      if (cap && has_capability(caps, *cap)) return false;
    }
  }
  return true;
}

base::Result<SeccompProgram> compile_profile_json(const nlohmann::json& profile,
                                                  CapabilitySet caps) {
  if (!profile.is_object()) return base::Error("the profile is not a JSON object");
  const int default_errno = profile.value("defaultErrnoRet", EPERM);
  const std::string default_name = profile.value("defaultAction", std::string());
  if (default_name.empty()) return base::Error("defaultAction is missing");
  auto default_action = parse_action(default_name, default_errno);
  if (!default_action) return base::Error("unknown seccomp action \"" + default_name + "\"");

  Ctx ctx(seccomp_init(*default_action));
  if (!ctx) return base::Error("seccomp: init failed");
  if (profile.contains("architectures")) {
    for (const auto& arch : profile["architectures"]) {
      const std::string name = arch.is_string() ? arch.get<std::string>() : arch.dump();
      auto value = parse_arch(name);
      if (!value) return base::Error("unknown architecture \"" + name + "\"");
      const int rc = seccomp_arch_add(ctx.get(), *value);
      if (rc != 0 && rc != -EEXIST && rc != -EINVAL) {
        return seccomp_error("add architecture " + name, rc);
      }
    }
  }
  if (profile.contains("syscalls")) {
    if (!profile["syscalls"].is_array()) return base::Error("syscalls is not a list");
    std::size_t index = 0;
    for (const auto& rule : profile["syscalls"]) {
      const std::string where = "syscalls[" + std::to_string(index++) + "]";
      if (!rule.is_object()) return base::Error(where + " is not an object");
      if (!rule_applies(rule, caps)) continue;
      std::vector<std::string> names;
      if (rule.contains("names")) {
        for (const auto& n : rule["names"]) {
          if (!n.is_string()) return base::Error(where + ".names holds a non-string");
          names.push_back(n.get<std::string>());
        }
      }
      if (rule.contains("name")) names.push_back(rule["name"].get<std::string>());
      const std::string action_name = rule.value("action", std::string());
      auto action = parse_action(action_name, rule.value("errnoRet", EPERM));
      if (!action) {
        return base::Error(where + ": unknown seccomp action \"" + action_name + "\"");
      }
      if (*action == *default_action) continue;  // libseccomp refuses rules that change nothing
      std::vector<scmp_arg_cmp> args;
      if (rule.contains("args") && !rule["args"].is_null()) {
        for (const auto& arg : rule["args"]) {
          const std::string op_name = arg.value("op", std::string());
          auto op = parse_op(op_name);
          if (!op) return base::Error(where + ": unknown operator \"" + op_name + "\"");
          const unsigned index_value = arg.value("index", 0U);
          if (index_value > 5) return base::Error(where + ": argument index out of range");
          args.push_back(scmp_arg_cmp{index_value, *op, arg.value("value", std::uint64_t{0}),
                                      arg.value("valueTwo", std::uint64_t{0})});
        }
      }
      for (const auto& name : names) {
        const int nr = seccomp_syscall_resolve_name(name.c_str());
        if (nr == __NR_SCMP_ERROR) continue;  // unknown here: skipped, as runc does
        const int rc = seccomp_rule_add_array(ctx.get(), *action, nr,
                                              static_cast<unsigned>(args.size()), args.data());
        if (rc != 0) return seccomp_error(where + ": add rule for " + name, rc);
      }
    }
  }
  return export_bpf(ctx.get());
}

}  // namespace

base::Result<SeccompProgram> compile_seccomp_profile(std::string_view json_text,
                                                     std::string_view origin,
                                                     CapabilitySet capabilities) {
  const std::string context = "load seccomp profile " + std::string(origin);
  try {
    const auto profile = nlohmann::json::parse(json_text);
    auto program = compile_profile_json(profile, capabilities);
    if (!program) return program.error().context(context);
    return program;
  } catch (const nlohmann::json::exception& e) {
    return base::Error(e.what()).context(context);
  }
}

base::Result<SeccompProgram> compile_seccomp(const SeccompSpec& spec, CapabilitySet capabilities) {
  switch (spec.kind) {
    case SeccompSpec::Kind::unconfined:
      return SeccompProgram{};
    case SeccompSpec::Kind::localhost: {
      auto text = base::read_file(spec.localhost_profile, 4 * 1024 * 1024);
      if (!text) {
        return text.error().context("load seccomp profile " + spec.localhost_profile.string());
      }
      return compile_seccomp_profile(*text, spec.localhost_profile.string(), capabilities);
    }
    case SeccompSpec::Kind::runtime_default:
      break;
  }
  // Compiling takes a while; the program depends only on the capability set.
  static std::mutex mutex;
  static std::map<CapabilitySet, SeccompProgram> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(capabilities); it != cache.end()) return it->second;
  auto program = compile_runtime_default(capabilities);
  if (!program) return program.error();
  cache.emplace(capabilities, *program);
  return program;
}

}  // namespace runtime
