// The agent's CA and serving certificate: made once, kept, renewed when they no longer fit.
#include "api/tls_material.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "base/file.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;

TEST_CASE("TLS material is made once, private, and kept across starts", "[integration]") {
  test_support::TempDir dir("batchlet-tls");
  const auto tls_dir = dir.path() / "tls";
  auto first = api::ensure_tls_material(tls_dir);
  REQUIRE(first.ok());
  CHECK((fs::status(tls_dir).permissions() & fs::perms::all) == fs::perms::owner_all);
  for (const auto& key : {first->ca_key, first->server_key}) {
    CHECK((fs::status(key).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
  }
  auto ca = base::read_file(first->ca_certificate);
  auto server = base::read_file(first->server_certificate);
  REQUIRE(ca.ok());
  REQUIRE(server.ok());
  CHECK(ca->rfind("-----BEGIN CERTIFICATE-----", 0) == 0);

  auto second = api::ensure_tls_material(tls_dir);
  REQUIRE(second.ok());
  CHECK(*base::read_file(second->ca_certificate) == *ca);
  CHECK(*base::read_file(second->server_certificate) == *server);
}

TEST_CASE("a serving certificate that the CA did not sign is replaced", "[integration]") {
  test_support::TempDir dir("batchlet-tls");
  auto mine = api::ensure_tls_material(dir.path() / "mine");
  auto other = api::ensure_tls_material(dir.path() / "other");
  REQUIRE(mine.ok());
  REQUIRE(other.ok());
  fs::copy_file(other->server_certificate, mine->server_certificate,
                fs::copy_options::overwrite_existing);
  const auto foreign = *base::read_file(mine->server_certificate);
  const auto ca = *base::read_file(mine->ca_certificate);
  auto renewed = api::ensure_tls_material(dir.path() / "mine");
  REQUIRE(renewed.ok());
  CHECK(*base::read_file(renewed->server_certificate) != foreign);
  CHECK(*base::read_file(renewed->ca_certificate) == ca);  // kubeconfigs stay valid
}
