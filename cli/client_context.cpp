// cli/client_context.cpp: kinds, namespaces, paths and error reporting of the client commands.
#include "cli/client_context.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <variant>
#include <vector>

#include "agent/credentials.hpp"
#include "api/authorization.hpp"
#include "api/kubeconfig.hpp"
#include "base/file.hpp"

namespace cli {

std::optional<Kind> resolve_kind(const std::string& name) {
  static const std::vector<std::pair<std::vector<std::string>, Kind>> kinds = {
      {{"job", "jobs", "job.batch", "jobs.batch"},
       {"jobs", "/apis/batch/v1", "job.batch", true, "Job", "batch/v1"}},
      {{"pod", "pods", "po"}, {"pods", "/api/v1", "pod", true, "Pod", "v1"}},
      {{"event", "events", "ev"}, {"events", "/api/v1", "event", true, "Event", "v1"}},
      {{"namespace", "namespaces", "ns"},
       {"namespaces", "/api/v1", "namespace", false, "Namespace", "v1"}},
  };
  for (const auto& [names, kind] : kinds) {
    for (const auto& n : names) {
      if (n == name) return kind;
    }
  }
  return std::nullopt;
}

std::string unknown_kind_message(const std::string& name) {
  return "the server doesn't have a resource type \"" + name + "\"";
}

namespace {

bool in_admin_group() {
  const group* admin = ::getgrnam(agent::kAdminGroup);
  if (admin == nullptr) return false;
  if (::getegid() == admin->gr_gid) return true;
  const int count = ::getgroups(0, nullptr);
  if (count <= 0) return false;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  const int got = ::getgroups(count, groups.data());
  for (int i = 0; i < got; ++i) {
    if (groups[static_cast<std::size_t>(i)] == admin->gr_gid) return true;
  }
  return false;
}

}  // namespace

std::string own_namespace(const std::filesystem::path& socket) {
  const uid_t uid = ::geteuid();
  if (uid == 0 || in_admin_group() || socket == rootless_socket()) return "default";
  const passwd* user = ::getpwuid(uid);
  return api::user_namespace(user != nullptr ? user->pw_name : "", uid);
}

namespace {

// A URL's host and port: https://127.0.0.1:6443 -> {"127.0.0.1", "6443"}, [::1]:6443 too.
bool split_https_url(const std::string& url, std::string& host, std::string& port) {
  std::string rest = url.substr(std::string("https://").size());
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return false;
    host = rest.substr(1, close - 1);
    port = close + 1 < rest.size() && rest[close + 1] == ':' ? rest.substr(close + 2) : "443";
  } else {
    const auto colon = rest.rfind(':');
    host = rest.substr(0, colon);
    port = colon == std::string::npos ? "443" : rest.substr(colon + 1);
  }
  return !host.empty() && !port.empty();
}

// `text` or, when empty, the contents of `file` (relative to the kubeconfig's directory).
bool fill_from_file(std::string& text, const std::string& file,
                    const std::filesystem::path& kubeconfig) {
  if (!text.empty() || file.empty()) return true;
  std::filesystem::path path(file);
  if (path.is_relative()) path = kubeconfig.parent_path() / path;
  auto read = base::read_file(path);
  if (!read.ok()) {
    fail("kubeconfig " + kubeconfig.string() + ": " + read.error().message());
    return false;
  }
  text = *read;
  return true;
}

}  // namespace

std::optional<ClientContext> make_context(const ConnectionFlags& flags) {
  if (flags.kubeconfig.empty()) {
    const auto socket = default_socket(flags.socket);
    return ClientContext{ApiClient(socket), flags.ns.empty() ? own_namespace(socket) : flags.ns,
                         flags.all_namespaces};
  }
  if (!flags.socket.empty()) {
    fail("--socket and --kubeconfig name two different agents: give one");
    return std::nullopt;
  }
  auto text = base::read_file(flags.kubeconfig);
  if (!text.ok()) {
    fail("kubeconfig: " + text.error().message());
    return std::nullopt;
  }
  auto parsed = api::parse_kubeconfig(*text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    fail("kubeconfig " + flags.kubeconfig + ": " + *error);
    return std::nullopt;
  }
  auto& config = std::get<api::KubeconfigTarget>(parsed);
  TlsTarget target;
  if (!split_https_url(config.server_url, target.host, target.port)) {
    fail("kubeconfig " + flags.kubeconfig + ": bad server URL \"" + config.server_url + "\"");
    return std::nullopt;
  }
  const std::filesystem::path file(flags.kubeconfig);
  if (!fill_from_file(config.ca_pem, config.ca_file, file) ||
      !fill_from_file(config.token, config.token_file, file) ||
      !fill_from_file(config.client_cert_pem, config.client_cert_file, file) ||
      !fill_from_file(config.client_key_pem, config.client_key_file, file)) {
    return std::nullopt;
  }
  while (!config.token.empty() && (config.token.back() == '\n' || config.token.back() == '\r')) {
    config.token.pop_back();
  }
  target.ca_pem = std::move(config.ca_pem);
  target.token = std::move(config.token);
  target.client_cert_pem = std::move(config.client_cert_pem);
  target.client_key_pem = std::move(config.client_key_pem);
  const std::string ns = !flags.ns.empty()    ? flags.ns
                         : !config.ns.empty() ? config.ns
                                              : std::string("default");
  return ClientContext{ApiClient(std::move(target)), ns, flags.all_namespaces};
}

std::string ClientContext::collection_path(const Kind& kind) const {
  if (!kind.namespaced || all_namespaces) return kind.group_path + "/" + kind.resource;
  return kind.group_path + "/namespaces/" + ns + "/" + kind.resource;
}

std::string ClientContext::object_path(const Kind& kind, const std::string& name) const {
  const std::string collection = kind.namespaced
                                     ? kind.group_path + "/namespaces/" + ns + "/" + kind.resource
                                     : kind.group_path + "/" + kind.resource;
  return collection + "/" + name;
}

std::optional<nlohmann::json> ClientContext::get_json(const std::string& target) const {
  return call(ApiRequest::read(target));
}

std::optional<nlohmann::json> ClientContext::call(const ApiRequest& request) const {
  auto reply = api.request(request);
  if (!reply.ok()) {
    fail(reply.error().message());
    return std::nullopt;
  }
  if (reply->status < 200 || reply->status >= 300) {
    fail_reply(*reply);
    return std::nullopt;
  }
  auto value = nlohmann::json::parse(reply->body, nullptr, false);
  if (value.is_discarded()) {
    fail(request.method + " " + request.target + ": the server's answer is not JSON");
    return std::nullopt;
  }
  return value;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

int fail_reply(const ApiReply& reply) {
  std::fprintf(stderr, "%s\n", server_error(reply).c_str());
  return 1;
}

std::optional<ObjectRef> parse_object_ref(const std::string& argument,
                                          const std::string& default_kind, std::string& error) {
  std::string kind_name = default_kind;
  std::string name = argument;
  if (const auto slash = argument.find('/'); slash != std::string::npos) {
    kind_name = argument.substr(0, slash);
    name = argument.substr(slash + 1);
  }
  if (name.empty()) {
    error = "arguments in resource/name form must have a single resource and name";
    return std::nullopt;
  }
  auto kind = resolve_kind(kind_name);
  if (!kind) {
    error = unknown_kind_message(kind_name);
    return std::nullopt;
  }
  return ObjectRef{*kind, name};
}

}  // namespace cli
