// cli/serve_config.cpp: see serve_config.hpp.
#include "cli/serve_config.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "api/quantity.hpp"
#include "api/yaml_codec.hpp"
#include "base/file.hpp"

namespace cli {
namespace {

using nlohmann::json;
using Setter = std::function<base::Status(const json&, ServeOptions&)>;

base::Error bad(const std::string& what) { return base::Error(what); }

Setter path_setting(std::filesystem::path ServeOptions::*member) {
  return [member](const json& v, ServeOptions& o) -> base::Status {
    if (!v.is_string() || v.get<std::string>().empty()) return bad("must be a non-empty path");
    o.*member = v.get<std::string>();
    return {};
  };
}

Setter string_setting(std::string ServeOptions::*member) {
  return [member](const json& v, ServeOptions& o) -> base::Status {
    if (!v.is_string()) return bad("must be a string");
    o.*member = v.get<std::string>();
    return {};
  };
}

Setter bool_setting(bool ServeOptions::*member) {
  return [member](const json& v, ServeOptions& o) -> base::Status {
    if (!v.is_boolean()) return bad("must be true or false");
    o.*member = v.get<bool>();
    return {};
  };
}

// Seconds: a number, or a Go duration string. `positive`: zero is refused too.
Setter duration_setting(double ServeOptions::*member, bool positive) {
  return [member, positive](const json& v, ServeOptions& o) -> base::Status {
    std::optional<double> seconds;
    if (v.is_number()) seconds = v.get<double>();
    if (v.is_string()) seconds = parse_go_duration(v.get<std::string>());
    if (!seconds || *seconds < 0 || !std::isfinite(*seconds)) {
      return bad("invalid duration " + v.dump() + " (seconds, or a duration such as \"10s\")");
    }
    if (positive && *seconds == 0) return bad("must be greater than zero");
    o.*member = *seconds;
    return {};
  };
}

Setter count_setting(std::int64_t minimum, std::function<void(ServeOptions&, std::int64_t)> set) {
  return [minimum, set](const json& v, ServeOptions& o) -> base::Status {
    if (!v.is_number_integer() || v.get<std::int64_t>() < minimum) {
      return bad("must be an integer >= " + std::to_string(minimum));
    }
    set(o, v.get<std::int64_t>());
    return {};
  };
}

// A user quota: a quantity (string or number), or "" for none.
Setter quota_setting(std::string ServeOptions::*member) {
  return [member](const json& v, ServeOptions& o) -> base::Status {
    if (!v.is_string() && !v.is_number()) return bad("must be a quantity (\"4Gi\", \"1500m\")");
    const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    if (auto error = quota_quantity_error(text)) return bad(*error);
    o.*member = text;
    return {};
  };
}

const std::map<std::string, Setter>& settings() {
  static const std::map<std::string, Setter> table = {
      {"stateDir", path_setting(&ServeOptions::state_dir)},
      {"runDir", path_setting(&ServeOptions::run_dir)},
      {"listen", string_setting(&ServeOptions::listen)},
      {"nodeName", string_setting(&ServeOptions::node_name)},
      {"cgroups", bool_setting(&ServeOptions::cgroups)},
      {"cgroupTree", string_setting(&ServeOptions::cgroup_tree)},
      {"podBackoffBase", duration_setting(&ServeOptions::pod_backoff_base_seconds, true)},
      {"podBackoffCap", duration_setting(&ServeOptions::pod_backoff_cap_seconds, true)},
      {"containerBackoffBase",
       duration_setting(&ServeOptions::container_backoff_base_seconds, true)},
      {"containerBackoffCap", duration_setting(&ServeOptions::container_backoff_cap_seconds, true)},
      {"podEventBatch", duration_setting(&ServeOptions::pod_event_batch_seconds, false)},
      {"evictOnShutdown", bool_setting(&ServeOptions::evict_on_shutdown)},
      {"insecureRegistries",
       [](const json& v, ServeOptions& o) -> base::Status {
         if (!v.is_array()) return bad("must be a list of HOST[:PORT]");
         std::vector<std::string> registries;
         for (const auto& r : v) {
           if (!r.is_string() || r.get<std::string>().empty()) {
             return bad("must be a list of HOST[:PORT]");
           }
           registries.push_back(r.get<std::string>());
         }
         o.insecure_registries = std::move(registries);
         return {};
       }},
      {"userHostPaths",
       [](const json& v, ServeOptions& o) -> base::Status {
         if (!v.is_array()) return bad("must be a list of absolute paths");
         std::vector<std::string> paths;
         for (const auto& p : v) {
           if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>()[0] != '/') {
             return bad("must be a list of absolute paths");
           }
           paths.push_back(p.get<std::string>());
         }
         o.user_host_paths = std::move(paths);
         return {};
       }},
      {"containerLogMaxSize",
       [](const json& v, ServeOptions& o) -> base::Status {
         if (!v.is_string() && !v.is_number_integer()) return bad("must be a quantity (\"10Mi\")");
         auto q = api::Quantity::parse(v.is_string() ? v.get<std::string>() : v.dump());
         if (!q.ok()) return bad("invalid quantity " + v.dump() + ": " + q.error().message());
         if (q->value() < 1024) return bad("must be at least 1Ki");
         o.container_log_max_size = v.is_string() ? v.get<std::string>() : v.dump();
         return {};
       }},
      {"containerLogMaxFiles", count_setting(2,
                                             [](ServeOptions& o, std::int64_t n) {
                                               o.container_log_max_files = static_cast<int>(
                                                   std::min<std::int64_t>(n, 1000));
                                             })},
      {"podPidsLimit",
       count_setting(-1, [](ServeOptions& o, std::int64_t n) { o.pod_pids_limit = n; })},
      {"userMaxPods",
       count_setting(-1, [](ServeOptions& o, std::int64_t n) { o.user_max_pods = n; })},
      {"userMaxJobs",
       count_setting(-1, [](ServeOptions& o, std::int64_t n) { o.user_max_jobs = n; })},
      {"userMaxMemory", quota_setting(&ServeOptions::user_max_memory)},
      {"userMaxCPU", quota_setting(&ServeOptions::user_max_cpu)},
  };
  return table;
}

}  // namespace

std::optional<double> parse_go_duration(std::string_view text) {
  if (text == "0") return 0.0;
  if (text.empty()) return std::nullopt;
  static const std::pair<std::string_view, double> units[] = {
      {"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600}};
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double number = 0;
    try {
      std::size_t used = 0;
      number = std::stod(std::string(text.substr(start, i - start)), &used);
      if (used != i - start) return std::nullopt;
    } catch (...) {
      return std::nullopt;
    }
    bool matched = false;
    for (const auto& [unit, scale] : units) {
      // The longest unit first where they share a prefix ("ms" before "m").
      if (text.substr(i, unit.size()) == unit && !(unit == "m" && text.substr(i, 2) == "ms")) {
        total += number * scale;
        i += unit.size();
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  return total;
}

std::optional<std::string> quota_quantity_error(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto q = api::Quantity::parse(text);
  if (!q.ok()) return "invalid quantity \"" + text + "\": " + q.error().message();
  if (q->sign() < 0) return "invalid quantity \"" + text + "\": must not be negative";
  return std::nullopt;
}

base::Status apply_config_text(std::string_view text, const std::string& source,
                               ServeOptions& options) {
  auto parsed = api::parse_yaml_documents(text);
  if (parsed.error) {
    return base::Error(source + ": line " + std::to_string(parsed.error->line) + ": " +
                       parsed.error->message);
  }
  if (parsed.documents.empty()) return {};  // an empty file: the defaults
  if (parsed.documents.size() > 1) return base::Error(source + ": expected one YAML document");
  const json& root = parsed.documents.front().value;
  if (root.is_null()) return {};
  if (!root.is_object()) return base::Error(source + ": expected a mapping of settings");
  ServeOptions updated = options;
  for (const auto& [key, value] : root.items()) {
    const auto setting = settings().find(key);
    if (setting == settings().end()) {
      std::string known;
      for (const auto& [name, setter] : settings()) known += (known.empty() ? "" : ", ") + name;
      return base::Error(source + ": unknown setting \"" + key + "\" (known: " + known + ")");
    }
    if (auto s = setting->second(value, updated); !s) {
      return base::Error(source + ": " + key + ": " + s.error().message());
    }
  }
  options = std::move(updated);
  return {};
}

base::Status apply_config_file(const std::filesystem::path& file, bool required,
                               ServeOptions& options) {
  std::error_code ec;
  if (!required && !std::filesystem::exists(file, ec)) return {};
  auto text = base::read_file(file);
  if (!text.ok()) return text.error();
  return apply_config_text(*text, file.string(), options);
}

}  // namespace cli
