#include "agent/image_process.hpp"

#include <map>

#include "agent/env_expansion.hpp"

namespace agent {
namespace {

std::string_view env_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// containerd's replaceOrAppendEnvValues: a later NAME= replaces the earlier value in place.
void replace_or_append(std::vector<std::string>& env, const std::string& entry) {
  const auto name = env_name(entry);
  for (auto& existing : env) {
    if (env_name(existing) == name) {
      existing = entry;
      return;
    }
  }
  env.push_back(entry);
}

}  // namespace

std::vector<std::string> expand_container_env(const api::Container& container) {
  std::map<std::string, std::string, std::less<>> defined;
  const EnvLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    if (auto it = defined.find(name); it != defined.end()) return it->second;
    return std::nullopt;
  };
  std::vector<std::string> out;
  for (const auto& var : container.env) {
    std::string value = var.value.empty() ? "" : expand_env_references(var.value, lookup);
    defined[var.name] = value;
    std::string entry = var.name;
    entry += '=';
    entry += value;
    replace_or_append(out, entry);
  }
  return out;
}

base::Result<ImageProcess> image_process(const api::Container& container,
                                         const runtime::ImageConfig& image) {
  ImageProcess process;
  const std::vector<std::string> pod_env = expand_container_env(container);

  // $(VAR) in command and args sees the pod's env, not the image's (the kubelet never sees it).
  std::map<std::string, std::string, std::less<>> vars;
  for (const auto& entry : pod_env) {
    const auto eq = entry.find('=');
    vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  const EnvLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
  std::vector<std::string> command, args;
  for (const auto& c : container.command) command.push_back(expand_env_references(c, lookup));
  for (const auto& a : container.args) args.push_back(expand_env_references(a, lookup));

  if (command.empty()) {
    if (args.empty()) args = image.cmd;
    if (!(image.entrypoint.size() == 1 && image.entrypoint[0].empty())) {
      command = image.entrypoint;
    }
  }
  if (command.empty() && args.empty()) return base::Error("no command specified");
  process.argv = std::move(command);
  process.argv.insert(process.argv.end(), args.begin(), args.end());

  process.env.emplace_back(kDefaultPath);
  for (const auto& entry : image.env) replace_or_append(process.env, entry);
  for (const auto& entry : pod_env) replace_or_append(process.env, entry);

  process.cwd = !container.working_dir.empty() ? container.working_dir
                : !image.working_dir.empty()   ? image.working_dir
                                               : "/";
  process.user = image.user;
  return process;
}

}  // namespace agent
