// api/kubeconfig.hpp: the kubeconfig that points kubectl and the client libraries at this agent
// (what `batchlet kubeconfig` prints and `serve` writes to the state directory, like k3s).
//
// Contract: one cluster "batchlet" (server URL, the CA's PEM embedded as
// certificate-authority-data), one user "batchlet-admin" with the bearer token, one context
// "batchlet" (namespace `default_namespace`) that is current. The token is embedded verbatim; the
// caller writes the file 0600.
#pragma once

#include <string>

namespace api {

struct KubeconfigInput {
  std::string server_url;  // "https://127.0.0.1:6443"
  std::string ca_pem;
  std::string token;
  std::string default_namespace = "default";
};

std::string make_kubeconfig(const KubeconfigInput& input);

// Standard base64 (with padding) — what kubeconfig's *-data fields hold.
std::string base64_encode(std::string_view data);

}  // namespace api
