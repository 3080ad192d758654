// runtime/host_process.hpp: start a process on the host's own filesystem (the image
// "batchlet.local/host") with its output on pipes.
//
// Contract: the process leads a new process group (its children stay in it), gets SIGKILL if
// batchlet dies (PR_SET_PDEATHSIG), starts with default signal dispositions, an empty signal
// mask, stdin from /dev/null and exactly the environment given (nothing inherited). A failure
// before the program runs (no such command, bad working directory) is returned as an Error in
// the words of the failing step: `exec "/nope": No such file or directory`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/owned_child.hpp"
#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace runtime {

struct HostProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in the PATH of `env` when it has no '/'
  std::vector<std::string> env;   // "NAME=value"
  std::filesystem::path cwd = "/";
  // When both are set (>= 0), the process writes to these descriptors (the caller keeps them)
  // and HostProcess's pipes stay empty; otherwise pipes are created.
  int stdout_fd = -1;
  int stderr_fd = -1;
};

struct HostProcess {
  base::OwnedChild child;
  base::UniqueFd stdout_pipe;  // read ends, non-blocking; empty with caller-given fds
  base::UniqueFd stderr_pipe;
};

// The PATH used when the environment has none (the Docker/containerd default).
inline constexpr std::string_view kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The value of `name` in an environment of "NAME=value" entries ("" when absent).
std::string env_value(const std::vector<std::string>& env, std::string_view name);

// Resolves argv[0] like execvp against `path_value`; the error is runc's:
// `exec: "perl": executable file not found in $PATH`.
base::Result<std::string> resolve_executable(const std::string& name, std::string_view path_value);

base::Result<HostProcess> spawn_host_process(const HostProcessSpec& spec);

}  // namespace runtime
