#include "agent/namespaces.hpp"

#include "api/list_encode.hpp"
#include "api/names.hpp"

namespace agent {

base::Status ensure_namespace(Store& store, const base::Clock& clock, const std::string& name,
                              const api::Labels& annotations) {
  const ObjectKey key{"namespaces", "", name};
  auto existing = store.get(key);
  if (!existing.ok()) return existing.error().context("ensure namespace " + name);
  if (existing->has_value()) return {};
  auto rng = api::seeded_engine();
  api::ObjectMeta meta;
  meta.name = name;
  meta.uid = api::new_uid(rng);
  meta.creation_timestamp = clock.now();
  meta.labels["kubernetes.io/metadata.name"] = name;
  meta.annotations = annotations;
  auto created = store.create(key, meta.uid, [&](ResourceVersion rv) {
    api::ObjectMeta versioned = meta;
    versioned.resource_version = std::to_string(rv);
    return api::encode_namespace(versioned).dump();
  });
  if (!created.ok()) return created.error().context("create namespace " + name);
  return {};
}

}  // namespace agent
