// api/tls_material.hpp: the agent's own certificate authority and serving certificate, made on
// first start like k3s does, so kubectl can verify the server with the kubeconfig's CA.
//
// Contract:
// - ensure_tls_material(dir) leaves in `dir`: ca.crt, ca.key, server.crt, server.key (PEM; the
//   keys 0600, the directory 0700). Existing files are kept; a serving certificate that expires
//   within kRenewBefore, or that no longer verifies against the CA, is replaced (same CA, so
//   kubeconfigs stay valid). Files are written whole (temp file + rename): a crash never leaves
//   half a key.
// - Keys are ECDSA P-256. The CA is valid 10 years; a serving certificate 1 year, with
//   subjectAltName IP:127.0.0.1, IP:::1, DNS:localhost plus `extra_names` (DNS names or IPs).
// - issue_client_certificate() makes a client certificate of the CA (for tests and for
//   `batchlet kubeconfig --client-cert`), CN = the user name, O = each group.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace api {

struct TlsMaterial {
  std::filesystem::path ca_certificate;
  std::filesystem::path ca_key;
  std::filesystem::path server_certificate;
  std::filesystem::path server_key;
};

inline constexpr std::chrono::hours kRenewBefore{24 * 90};

base::Result<TlsMaterial> ensure_tls_material(const std::filesystem::path& dir,
                                              const std::vector<std::string>& extra_names = {});

struct ClientCertificate {
  std::string certificate_pem;
  std::string key_pem;
};

base::Result<ClientCertificate> issue_client_certificate(const TlsMaterial& material,
                                                         const std::string& user,
                                                         const std::vector<std::string>& groups);

}  // namespace api
