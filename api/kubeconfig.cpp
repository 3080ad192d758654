#include "api/kubeconfig.hpp"

#include <openssl/evp.h>

#include <string_view>

namespace api {

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(data.data()),
                                      static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

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
  yaml.append("    certificate-authority-data: ").append(base64_encode(input.ca_pem)).append("\n");
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

}  // namespace api
