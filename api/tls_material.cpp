#include "api/tls_material.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <system_error>

namespace api {

namespace {

namespace fs = std::filesystem;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

constexpr long kCaValiditySeconds = 10L * 365 * 24 * 3600;
constexpr long kLeafValiditySeconds = 365L * 24 * 3600;
// Clocks of clients may be a little behind ours.
constexpr long kBackdateSeconds = 3600;

base::Error openssl_error(std::string what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  what += ": ";
  if (code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    what += text;
  } else {
    what += "OpenSSL failure";
  }
  return base::Error(std::move(what));
}

base::Result<Key> new_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("generate P-256 key");
  return key;
}

base::Status add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return openssl_error(std::string("add extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return {};
}

// A certificate for `key` named `common_name`, signed by `issuer_key` (self-signed when the
// issuer is null), with the extensions that fit its role.
base::Result<Cert> make_certificate(EVP_PKEY* key, const std::string& common_name,
                                    const std::vector<std::string>& organizations, X509* issuer,
                                    EVP_PKEY* issuer_key, long validity_seconds,
                                    const std::vector<std::pair<int, std::string>>& extensions) {
  Cert cert(X509_new());
  if (!cert) return openssl_error("allocate certificate");
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return openssl_error("random serial");
  serial_bytes[0] &= 0x7f;  // a positive serial number
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> serial(
      BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  X509_NAME* name = X509_get_subject_name(cert.get());
  bool ok = serial && X509_set_version(cert.get(), 2) == 1 &&
            BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity_seconds) != nullptr &&
            X509_set_pubkey(cert.get(), key) == 1;
  for (const auto& organization : organizations) {
    ok = ok && X509_NAME_add_entry_by_txt(
                   name, "O", MBSTRING_UTF8,
                   reinterpret_cast<const unsigned char*>(organization.c_str()), -1, -1, 0) == 1;
  }
  ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                        reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                        -1, -1, 0) == 1;
  X509* signer = issuer != nullptr ? issuer : cert.get();
  ok = ok && X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1;
  if (!ok) return openssl_error("build certificate " + common_name);
  for (const auto& [nid, value] : extensions) {
    if (auto added = add_extension(cert.get(), signer, nid, value); !added.ok()) {
      return added.error();
    }
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return openssl_error("sign certificate " + common_name);
  }
  return cert;
}

std::string pem_of(const Cert& cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string pem_of(const Key& key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

base::Status write_private_file(const fs::path& file, const std::string& content) {
  const fs::path temp = file.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    std::error_code ec;
    fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
    if (!out || ec) return base::Error("write " + temp.string() + ": cannot create file");
    out << content;
    out.flush();
    if (!out) return base::Error("write " + temp.string() + ": write failed");
  }
  std::error_code ec;
  fs::rename(temp, file, ec);
  if (ec) return base::Error("rename " + temp.string() + ": " + ec.message());
  return {};
}

base::Result<Cert> read_certificate(const fs::path& file) {
  Bio bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) return openssl_error("read " + file.string());
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return openssl_error("parse certificate " + file.string());
  return cert;
}

base::Result<Key> read_key(const fs::path& file) {
  Bio bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) return openssl_error("read " + file.string());
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return openssl_error("parse key " + file.string());
  return key;
}

bool is_ip_address(const std::string& name) {
  return name.find_first_not_of("0123456789.") == std::string::npos ||
         name.find(':') != std::string::npos;
}

// Usable if it was signed by this CA and stays valid beyond the renewal window.
bool serving_certificate_usable(const fs::path& file, EVP_PKEY* ca_key) {
  auto cert = read_certificate(file);
  if (!cert.ok()) return false;
  if (X509_verify(cert->get(), ca_key) != 1) {
    ERR_clear_error();
    return false;
  }
  std::time_t limit =
      std::time(nullptr) + std::chrono::duration_cast<std::chrono::seconds>(kRenewBefore).count();
  return X509_cmp_time(X509_get0_notAfter(cert->get()), &limit) > 0;
}

}  // namespace

base::Result<TlsMaterial> ensure_tls_material(const fs::path& dir,
                                              const std::vector<std::string>& extra_names) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return base::Error("create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  if (ec) return base::Error("chmod " + dir.string() + ": " + ec.message());

  TlsMaterial material{dir / "ca.crt", dir / "ca.key", dir / "server.crt", dir / "server.key"};
  if (!fs::exists(material.ca_certificate) || !fs::exists(material.ca_key)) {
    auto key = new_key();
    if (!key.ok()) return key.error();
    auto ca = make_certificate(key->get(), "batchlet-ca", {}, nullptr, nullptr, kCaValiditySeconds,
                               {{NID_basic_constraints, "critical,CA:TRUE"},
                                {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                                {NID_subject_key_identifier, "hash"}});
    if (!ca.ok()) return ca.error();
    if (auto done = write_private_file(material.ca_key, pem_of(*key)); !done.ok()) {
      return done.error();
    }
    if (auto done = write_private_file(material.ca_certificate, pem_of(*ca)); !done.ok()) {
      return done.error();
    }
  }
  auto ca_key = read_key(material.ca_key);
  if (!ca_key.ok()) return ca_key.error();
  auto ca = read_certificate(material.ca_certificate);
  if (!ca.ok()) return ca.error();

  if (!fs::exists(material.server_key) ||
      !serving_certificate_usable(material.server_certificate, ca_key->get())) {
    auto key = new_key();
    if (!key.ok()) return key.error();
    std::string alt_names = "IP:127.0.0.1,IP:::1,DNS:localhost";
    for (const auto& name : extra_names) {
      alt_names += is_ip_address(name) ? ",IP:" : ",DNS:";
      alt_names += name;
    }
    auto cert =
        make_certificate(key->get(), "batchlet", {}, ca->get(), ca_key->get(), kLeafValiditySeconds,
                         {{NID_basic_constraints, "critical,CA:FALSE"},
                          {NID_key_usage, "critical,digitalSignature"},
                          {NID_ext_key_usage, "serverAuth"},
                          {NID_subject_alt_name, alt_names},
                          {NID_authority_key_identifier, "keyid"}});
    if (!cert.ok()) return cert.error();
    if (auto done = write_private_file(material.server_key, pem_of(*key)); !done.ok()) {
      return done.error();
    }
    if (auto done = write_private_file(material.server_certificate, pem_of(*cert)); !done.ok()) {
      return done.error();
    }
  }
  return material;
}

base::Result<ClientCertificate> issue_client_certificate(const TlsMaterial& material,
                                                         const std::string& user,
                                                         const std::vector<std::string>& groups) {
  auto ca_key = read_key(material.ca_key);
  if (!ca_key.ok()) return ca_key.error();
  auto ca = read_certificate(material.ca_certificate);
  if (!ca.ok()) return ca.error();
  auto key = new_key();
  if (!key.ok()) return key.error();
  auto cert =
      make_certificate(key->get(), user, groups, ca->get(), ca_key->get(), kLeafValiditySeconds,
                       {{NID_basic_constraints, "critical,CA:FALSE"},
                        {NID_key_usage, "critical,digitalSignature"},
                        {NID_ext_key_usage, "clientAuth"},
                        {NID_authority_key_identifier, "keyid"}});
  if (!cert.ok()) return cert.error();
  return ClientCertificate{pem_of(*cert), pem_of(*key)};
}

}  // namespace api
