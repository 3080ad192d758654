#include "runtime/image_config.hpp"

#include <nlohmann/json.hpp>

namespace runtime {
namespace {

using nlohmann::json;

base::Result<std::vector<std::string>> string_list(const json& object, const char* key) {
  std::vector<std::string> out;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return base::Error(std::string(key) + ": not a list");
  for (const auto& item : *it) {
    if (!item.is_string()) return base::Error(std::string(key) + ": not a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

base::Result<ImageConfig> parse_image_config(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return base::Error("image config: invalid JSON");
  ImageConfig config;
  config.os = string_field(doc, "os");
  config.architecture = string_field(doc, "architecture");
  if (const auto it = doc.find("config"); it != doc.end() && it->is_object()) {
    auto entrypoint = string_list(*it, "Entrypoint");
    auto cmd = string_list(*it, "Cmd");
    auto env = string_list(*it, "Env");
    for (const auto* r : {&entrypoint, &cmd, &env}) {
      if (!*r) return r->error().context("image config");
    }
    config.entrypoint = std::move(*entrypoint);
    config.cmd = std::move(*cmd);
    config.env = std::move(*env);
    config.working_dir = string_field(*it, "WorkingDir");
    config.user = string_field(*it, "User");
  }
  const auto rootfs = doc.find("rootfs");
  if (rootfs == doc.end() || !rootfs->is_object() || string_field(*rootfs, "type") != "layers") {
    return base::Error("image config: rootfs.type is not \"layers\"");
  }
  auto diff_ids = string_list(*rootfs, "diff_ids");
  if (!diff_ids) return diff_ids.error().context("image config: rootfs");
  for (const auto& text_id : *diff_ids) {
    auto digest = parse_sha256_digest(text_id);
    if (!digest) return digest.error().context("image config: rootfs.diff_ids");
    config.diff_ids.push_back(std::move(*digest));
  }
  return config;
}

}  // namespace runtime
