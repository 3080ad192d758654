// api/object_fields.hpp: the fields a field selector can match on, per resource, read from the
// stored JSON (upstream: each registry's GetAttrs / SelectableFields).
//
// Contract: selectable_fields() returns every field api/field_query.cpp's
// supported_field_error() accepts for `resource` ("jobs", "pods", "events", "namespaces"),
// with the value upstream would compare against ("" when unset; booleans as "true"/"false";
// jobs' status.successful as the decimal count). Unknown resources get metadata.name and
// metadata.namespace only.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace api {

std::map<std::string, std::string> selectable_fields(std::string_view resource,
                                                     const nlohmann::ordered_json& object);

}  // namespace api
