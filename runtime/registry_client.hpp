// runtime/registry_client.hpp: an OCI distribution API client (HTTP/1.1 over TCP or TLS with
// Boost.Beast and OpenSSL) and the pull of one image into the ImageStore.
//
// Contract:
// - HTTPS verifies the peer against the system CA store and the host name; plain HTTP only for
//   registries listed in RegistryConfig::insecure ("host:port" as in the reference).
// - docker.io is reached at registry-1.docker.io. Every socket operation has a deadline
//   (RegistryConfig::timeout): a registry that hangs fails the pull with "timed out".
// - Auth: a 401 with WWW-Authenticate Bearer runs the token flow (realm?service=&scope=, with
//   basic credentials when known) and retries; a Basic challenge retries with the credentials
//   of the docker config file ({"auths":{"host":{"auth":base64(user:pass)}}}).
// - Manifests are requested as OCI/Docker manifest or index; an index picks linux/amd64. A
//   manifest fetched by digest, and every blob, is verified against its digest and size; blobs
//   are written to temporary files and renamed only when verified (a retry starts afresh, a
//   partial download is never visible). Blobs and layers already in the store are not fetched.
// - The pull holds the store lock from start to end: two pulls of images sharing layers run one
//   after the other and the second finds the shared blobs present (each blob fetched once).
//   The image appears in the index only when complete; on error what it stored is collected.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "base/result.hpp"
#include "runtime/image_store.hpp"

namespace runtime {

struct RegistryCredentials {
  std::string username;
  std::string password;
};

struct RegistryConfig {
  std::set<std::string> insecure;                    // registries spoken to over plain HTTP
  std::map<std::string, RegistryCredentials> auths;  // by registry host[:port]
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

// Reads the "auths" of a docker config.json into `config`.
base::Status load_docker_auths(const std::filesystem::path& file, RegistryConfig& config);

// Progress lines for the CLI ("Pulling fs layer sha256:...", "Download complete ...").
using PullProgress = std::function<void(const std::string&)>;

base::Result<ImageRecord> pull_image(const ImageStore& store, std::string_view reference,
                                     const RegistryConfig& config,
                                     const PullProgress& progress = nullptr);

}  // namespace runtime
