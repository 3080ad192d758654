// cli/client_context.hpp: what every kubectl-like command shares: the connection to the agent,
// the namespace it works in, the kinds it knows and how it reports failures.
//
// Contract:
//   - resolve_kind() accepts kubectl's names for the served kinds (job, jobs, jobs.batch,
//     job.batch; pod, pods, po; event, events, ev; namespace, namespaces, ns); unknown names give
//     kubectl's `the server doesn't have a resource type "x"`.
//   - The namespace is -n when given, else the caller's own: "default" for root, members of
//     batchlet-admin and the owner of a rootless agent (its socket is rootless_socket()),
//     "user-<login>" (api::user_namespace) for everyone else, as the agent confines them.
//   - Every failure is one line on stderr ("error: ..." or the server's Status in kubectl's
//     words) and exit code 1, like kubectl.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/api_client.hpp"

namespace cli {

struct Kind {
  std::string resource;    // "jobs"
  std::string group_path;  // "/apis/batch/v1" or "/api/v1"
  std::string qualified;   // "job.batch", what kubectl prints before "/name"
  bool namespaced = true;
  std::string kind;         // "Job"
  std::string api_version;  // "batch/v1"
};

std::optional<Kind> resolve_kind(const std::string& name);
// kubectl's message for a kind we do not serve.
std::string unknown_kind_message(const std::string& name);

// The caller's namespace when -n is not given.
std::string own_namespace(const std::filesystem::path& socket);

struct ClientContext {
  ApiClient api;
  std::string ns;
  bool all_namespaces = false;

  // /apis/batch/v1/namespaces/NS/jobs[/NAME] (no namespace part with -A or cluster kinds).
  std::string collection_path(const Kind& kind) const;
  std::string object_path(const Kind& kind, const std::string& name) const;

  // GET as JSON: the object, or the error printed and nullopt.
  std::optional<nlohmann::json> get_json(const std::string& target) const;
  // Any request; prints the error and returns nullopt unless the status is 2xx.
  std::optional<nlohmann::json> call(const ApiRequest& request) const;
};

// The context of a command: --kubeconfig (HTTPS; namespace: -n, else the context's, else
// "default") or the unix socket (--socket or default_socket(); namespace: -n, else
// own_namespace()). nullopt, with the error printed, when the kubeconfig cannot be used.
struct ConnectionFlags {
  std::string socket;
  std::string kubeconfig;
  std::string ns;
  bool all_namespaces = false;
};
std::optional<ClientContext> make_context(const ConnectionFlags& flags);

// Prints "error: <message>" on stderr and returns 1 (kubectl's exit code for every failure).
int fail(const std::string& message);
// Prints the server's Status in kubectl's words and returns 1.
int fail_reply(const ApiReply& reply);

// "TYPE/NAME" or "TYPE NAME" arguments: {kind, name}; a bare NAME takes `default_kind`.
struct ObjectRef {
  Kind kind;
  std::string name;
};
std::optional<ObjectRef> parse_object_ref(const std::string& argument,
                                          const std::string& default_kind, std::string& error);

}  // namespace cli
