// runtime/container_spec_json.hpp: ContainerSpec <-> JSON, the form in which the agent hands a
// spec to the shim (spec.json in the container's state directory).
//
// Contract: from_json(to_json(spec)) == spec for every field. Parsing is forgiving about absent
// fields (they keep ContainerSpec's defaults, so older files still load) and strict about
// types and enum names: a wrong one is an error naming the field ("parse container spec:
// rootfs.kind: unknown value \"lvm\""). Nothing throws.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "runtime/container_spec.hpp"

namespace runtime {

std::string container_spec_to_json(const ContainerSpec& spec);
base::Result<ContainerSpec> container_spec_from_json(std::string_view text);

}  // namespace runtime
