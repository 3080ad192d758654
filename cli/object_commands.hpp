// cli/object_commands.hpp: the commands that change objects: `apply -f`, `create -f`,
// `delete`, `suspend`, `resume`, printing what kubectl prints ("job.batch/pi created",
// `job.batch "pi" deleted`).
//
// Contract:
//   - -f takes a YAML or JSON file ("-" for stdin) of one or more documents of the served kinds
//     (Job, Pod, Namespace). A document's own namespace wins over the caller's default; one that
//     contradicts an explicit -n is refused with kubectl's message. The server validates.
//   - apply is server-side apply (field manager "batchlet", forced: this client is the one
//     owner a user has) and says created, configured or unchanged, from the resourceVersion the
//     object had before.
//   - delete propagates in the background (kubectl's default; --cascade changes it) and waits
//     until the object is gone (--wait=false does not).
//   - Every document/object is tried; the exit code is 1 when any failed.
#pragma once

#include <string>
#include <vector>

#include "cli/client_context.hpp"

namespace cli {

struct ObjectOptions {
  std::vector<std::string> files;      // -f
  std::vector<std::string> arguments;  // KIND NAME... or KIND/NAME...
  std::string output;                  // -o name|yaml|json for apply/create
  std::string selector;                // -l for delete
  std::string cascade = "background";  // delete: background, foreground, orphan
  int grace_period = -1;               // delete: -1 = the object's own
  bool wait = true;                    // delete
  bool explicit_namespace = false;     // -n was given
};

int apply_command(const ClientContext& context, const ObjectOptions& options);
int create_command(const ClientContext& context, const ObjectOptions& options);
int delete_command(const ClientContext& context, const ObjectOptions& options);
// suspend == true: `batchlet suspend job/NAME`; false: resume.
int suspend_command(const ClientContext& context, const ObjectOptions& options, bool suspend);

}  // namespace cli
