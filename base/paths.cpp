#include "base/paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace base {

Paths::path Paths::container_log(std::string_view ns, std::string_view pod, std::string_view uid,
                                 std::string_view container, int restart_count) const {
  std::string pod_dir_name;
  pod_dir_name.append(ns).append("_").append(pod).append("_").append(uid);
  return logs_dir() / pod_dir_name / path(container) / (std::to_string(restart_count) + ".log");
}

namespace {

// $NAME when set to an absolute path (the XDG specification ignores relative ones), else "".
std::filesystem::path absolute_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || value[0] != '/') return {};
  return value;
}

std::filesystem::path home_dir() {
  if (auto home = absolute_env("HOME"); !home.empty()) return home;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return "/";
}

}  // namespace

UserDirs user_dirs() {
  UserDirs dirs;
  auto state = absolute_env("XDG_STATE_HOME");
  dirs.state_dir = (state.empty() ? home_dir() / ".local" / "state" : state) / "batchlet";
  auto runtime = absolute_env("XDG_RUNTIME_DIR");
  dirs.run_dir = runtime.empty()
                     ? std::filesystem::path("/tmp/batchlet-" + std::to_string(::geteuid()))
                     : runtime / "batchlet";
  auto config = absolute_env("XDG_CONFIG_HOME");
  dirs.config_file =
      (config.empty() ? home_dir() / ".config" : config) / "batchlet" / "config.yaml";
  return dirs;
}

}  // namespace base
