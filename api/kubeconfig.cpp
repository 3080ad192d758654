#include "api/kubeconfig.hpp"

#include <nlohmann/json.hpp>
#include <string_view>
#include <tuple>

#include "api/yaml_codec.hpp"
#include "base/encoding.hpp"

namespace api {

std::string make_kubeconfig(const KubeconfigInput& input) {
  // Every value is a base64 string, a URL or a DNS label, so none needs YAML quoting; the token
  // and namespace are quoted anyway in case a caller passes something unusual.
  std::string yaml;
  yaml += "apiVersion: v1\n";
  yaml += "kind: Config\n";
  yaml += "clusters:\n";
  yaml += "- name: batchlet\n";
  yaml += "  cluster:\n";
  yaml.append("    server: ").append(input.server_url).append("\n");
  yaml.append("    certificate-authority-data: ")
      .append(base::base64_encode(input.ca_pem))
      .append("\n");
  yaml += "users:\n";
  yaml += "- name: batchlet-admin\n";
  yaml += "  user:\n";
  yaml.append("    token: \"").append(input.token).append("\"\n");
  yaml += "contexts:\n";
  yaml += "- name: batchlet\n";
  yaml += "  context:\n";
  yaml += "    cluster: batchlet\n";
  yaml += "    user: batchlet-admin\n";
  yaml.append("    namespace: \"").append(input.default_namespace).append("\"\n");
  yaml += "current-context: batchlet\n";
  return yaml;
}

namespace {

// The entry named `name` of the list `key` ("clusters", "users", "contexts"): its inner object
// (the "cluster", "user" or "context" member).
const nlohmann::json* named(const nlohmann::json& config, const char* key, const char* member,
                            const std::string& name) {
  const auto it = config.find(key);
  if (it == config.end() || !it->is_array()) return nullptr;
  for (const auto& entry : *it) {
    if (entry.is_object() && entry.value("name", "") == name) {
      const auto inner = entry.find(member);
      return inner != entry.end() && inner->is_object() ? &*inner : nullptr;
    }
  }
  return nullptr;
}

std::string text(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::variant<KubeconfigTarget, std::string> parse_kubeconfig(std::string_view yaml,
                                                             const std::string& context) {
  auto parsed = parse_yaml_documents(yaml);
  if (parsed.error) return "not YAML: " + parsed.error->message;
  if (parsed.documents.size() != 1 || !parsed.documents[0].value.is_object()) {
    return std::string("not a kubeconfig (expected one mapping)");
  }
  const nlohmann::json& config = parsed.documents[0].value;
  const std::string context_name = context.empty() ? text(config, "current-context") : context;
  if (context_name.empty()) return std::string("no current-context");
  const nlohmann::json* ctx = named(config, "contexts", "context", context_name);
  if (!ctx) return "context \"" + context_name + "\" not found";
  const std::string cluster_name = text(*ctx, "cluster");
  const nlohmann::json* cluster = named(config, "clusters", "cluster", cluster_name);
  if (!cluster) return "cluster \"" + cluster_name + "\" not found";
  const std::string user_name = text(*ctx, "user");
  const nlohmann::json* user = named(config, "users", "user", user_name);
  if (!user) return "user \"" + user_name + "\" not found";

  KubeconfigTarget target;
  target.server_url = text(*cluster, "server");
  if (target.server_url.rfind("https://", 0) != 0) {
    return "cluster \"" + cluster_name + "\": server \"" + target.server_url +
           "\" is not https:// (batchlet's API is HTTPS only)";
  }
  target.ns = text(*ctx, "namespace");
  target.ca_file = text(*cluster, "certificate-authority");
  target.token = text(*user, "token");
  target.token_file = text(*user, "tokenFile");
  target.client_cert_file = text(*user, "client-certificate");
  target.client_key_file = text(*user, "client-key");
  for (auto [object, key, out] :
       {std::tuple{cluster, "certificate-authority-data", &target.ca_pem},
        std::tuple{user, "client-certificate-data", &target.client_cert_pem},
        std::tuple{user, "client-key-data", &target.client_key_pem}}) {
    const std::string data = text(*object, key);
    if (data.empty()) continue;
    auto decoded = base::base64_decode(data);
    if (!decoded) return std::string(key) + ": not base64";
    *out = std::move(*decoded);
  }
  return target;
}

}  // namespace api
