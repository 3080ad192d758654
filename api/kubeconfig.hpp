// api/kubeconfig.hpp: the kubeconfig that points kubectl and the client libraries at this agent
// (what `batchlet kubeconfig` prints and `serve` writes to the state directory, like k3s).
//
// Contract: one cluster "batchlet" (server URL, the CA's PEM embedded as
// certificate-authority-data), one user "batchlet-admin" with the bearer token, one context
// "batchlet" (namespace `default_namespace`) that is current. The token is embedded verbatim; the
// caller writes the file 0600.
//
// parse_kubeconfig() reads what a client needs from a kubeconfig (YAML or JSON): the server,
// CA, and credentials of the current context (or `context`), and its namespace. Embedded *-data
// fields are decoded; fields naming files (certificate-authority, client-certificate,
// client-key, tokenFile) are returned as paths for the caller to read. A missing context,
// cluster or user, or a server that is not https://, is an error saying which.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace api {

struct KubeconfigInput {
  std::string server_url;  // "https://127.0.0.1:6443"
  std::string ca_pem;
  std::string token;
  std::string default_namespace = "default";
};

std::string make_kubeconfig(const KubeconfigInput& input);

struct KubeconfigTarget {
  std::string server_url;  // https://host:port
  std::string ca_pem;      // certificate-authority-data, decoded
  std::string ca_file;     // certificate-authority
  std::string token;
  std::string token_file;
  std::string client_cert_pem;  // client-certificate-data, decoded
  std::string client_cert_file;
  std::string client_key_pem;  // client-key-data, decoded
  std::string client_key_file;
  std::string ns;  // the context's namespace; empty when it has none
};

// The target, or why the kubeconfig cannot be used.
std::variant<KubeconfigTarget, std::string> parse_kubeconfig(std::string_view text,
                                                             const std::string& context = "");

}  // namespace api
