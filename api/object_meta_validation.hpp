// api/object_meta_validation.hpp: upstream's checks of metadata.ownerReferences and
// metadata.finalizers (apimachinery ValidateOwnerReferences / ValidateFinalizers plus core's
// validateKubeFinalizerName), with their messages and field paths.
//
// Note the paths are upstream's: owner reference errors name "metadata.ownerReferences.<field>"
// without an index, finalizer syntax errors "metadata.finalizers", and the core check
// "metadata.finalizers[i]".
#pragma once

#include <string>
#include <vector>

#include "api/field_error.hpp"
#include "api/object_meta.hpp"

namespace api {

void validate_owner_references(const std::vector<OwnerReference>& refs, const std::string& field,
                               FieldErrors& out);

void validate_finalizers(const std::vector<std::string>& finalizers, const std::string& field,
                         FieldErrors& out);

}  // namespace api
