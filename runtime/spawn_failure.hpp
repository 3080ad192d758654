// runtime/spawn_failure.hpp: the words of a container setup step that failed in the child.
//
// Contract: child_step_error() turns the child's report (step, index, errno) into the error the
// caller sees, in runc's and the kubelet's words: `pivot_root: Invalid argument`,
// `exec "/usr/bin/perl": No such file or directory`, `exec: "perl": executable file not found in
// $PATH`, `bind mount /x on /data: ...`. The spec and plan supply the names the step used.
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"
#include "runtime/container_spec.hpp"
#include "runtime/spawn_plan.hpp"

namespace runtime {

base::Error child_step_error(const detail::ChildReport& report, const ContainerSpec& spec,
                             const detail::ChildPlan& plan);

// "\"text\"", how runc quotes paths and programs in its messages.
std::string in_quotes(std::string_view s);

}  // namespace runtime
