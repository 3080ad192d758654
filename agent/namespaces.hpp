// agent/namespaces.hpp: namespaces that must exist before objects can be put in them.
//
// Contract: ensure_namespace() creates the core/v1 Namespace `name` (Active, with the
// kubernetes.io/metadata.name label, as the API server does) unless it exists; idempotent, and
// racing creators are fine (AlreadyExists counts as success). `annotations` go on a namespace
// it creates; an existing one is left as it is.
#pragma once

#include <string>

#include "agent/store.hpp"
#include "api/object_meta.hpp"
#include "base/clock.hpp"

namespace agent {

base::Status ensure_namespace(Store& store, const base::Clock& clock, const std::string& name,
                              const api::Labels& annotations = {});

// The annotation naming the local user a namespace was made for (its value: the uid).
inline constexpr const char* kOwnerUidAnnotation = "batchlet.io/owner-uid";

}  // namespace agent
