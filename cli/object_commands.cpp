// cli/object_commands.cpp: apply, create, delete, suspend and resume over the batchlet API.
#include "cli/object_commands.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <thread>

#include "api/yaml_codec.hpp"
#include "base/encoding.hpp"
#include "base/file.hpp"
#include "cli/get_command.hpp"

namespace cli {

namespace {

// How long `delete` waits for an object to go (kubectl waits as long; a pod's grace period is
// 30 s by default, so this leaves room).
constexpr auto kDeleteWait = std::chrono::minutes(5);
constexpr auto kDeletePoll = std::chrono::milliseconds(100);

struct Document {
  ClientContext context;  // with the document's namespace
  Kind kind;
  nlohmann::json object;
  std::string name;
};

std::optional<Kind> kind_of_document(const nlohmann::json& object) {
  const std::string kind = object.value("kind", "");
  const std::string api_version = object.value("apiVersion", "");
  for (const char* name : {"job", "pod", "namespace"}) {
    auto candidate = resolve_kind(name);
    if (candidate && candidate->kind == kind && candidate->api_version == api_version) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::optional<std::string> read_manifest(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  auto text = base::read_file(file);
  if (!text.ok()) {
    fail("the path \"" + file + "\" cannot be read: " + text.error().message());
    return std::nullopt;
  }
  return *text;
}

// The documents of every -f file, each with the context it is sent in; false when one of the
// files cannot be used at all (nothing is sent then, like kubectl).
bool load_documents(const ClientContext& context, const ObjectOptions& options,
                    std::vector<Document>& documents) {
  if (options.files.empty()) {
    fail("must specify one of -f and -k");
    return false;
  }
  for (const auto& file : options.files) {
    auto text = read_manifest(file);
    if (!text) return false;
    auto parsed = api::parse_yaml_documents(*text);
    if (parsed.error) {
      fail("error parsing " + file + ": " +
           (parsed.error->line > 0 ? "line " + std::to_string(parsed.error->line) + ": " : "") +
           parsed.error->message);
      return false;
    }
    for (auto& document : parsed.documents) {
      auto& object = document.value;
      if (!object.is_object()) {
        fail("error validating \"" + file + "\": a document is not an object");
        return false;
      }
      const auto metadata = object.value("metadata", nlohmann::json::object());
      const std::string name = metadata.is_object() ? metadata.value("name", "") : "";
      auto kind = kind_of_document(object);
      if (!kind) {
        fail("resource mapping not found for name: \"" + name + "\" namespace: \"\" from \"" +
             file + "\": no matches for kind \"" + object.value("kind", "") + "\" in version \"" +
             object.value("apiVersion", "") + "\"");
        return false;
      }
      ClientContext document_context = context;
      const std::string own = metadata.is_object() ? metadata.value("namespace", "") : "";
      if (kind->namespaced && !own.empty()) {
        if (options.explicit_namespace && own != context.ns) {
          fail("the namespace from the provided object \"" + own +
               "\" does not match the namespace \"" + context.ns +
               "\". You must pass '--namespace=" + own + "' to perform this operation.");
          return false;
        }
        document_context.ns = own;
      }
      documents.push_back(Document{std::move(document_context), *kind, std::move(object), name});
    }
  }
  return true;
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void report(const Kind& kind, const nlohmann::json& object, const std::string& verb,
            const std::string& output) {
  if (!output.empty()) {
    print(render_objects(kind, object, output));
    return;
  }
  print(kind.qualified + "/" + object["metadata"].value("name", "") + " " + verb + "\n");
}

std::optional<nlohmann::json> create(const Document& document) {
  return document.context.call(ApiRequest::write("POST",
                                                 document.context.collection_path(document.kind),
                                                 document.object.dump(), "application/json"));
}

std::string resource_version(const nlohmann::json& object) {
  return object.contains("metadata") ? object["metadata"].value("resourceVersion", "") : "";
}

// Waits until GET says 404; false (with the error printed) on anything else or time out.
bool wait_until_gone(const ClientContext& context, const Kind& kind, const std::string& name) {
  const auto deadline = std::chrono::steady_clock::now() + kDeleteWait;
  while (std::chrono::steady_clock::now() < deadline) {
    auto reply = context.api.get(context.object_path(kind, name));
    if (!reply.ok()) {
      fail(reply.error().message());
      return false;
    }
    if (reply->status == 404) return true;
    if (reply->status != 200) {
      fail_reply(*reply);
      return false;
    }
    std::this_thread::sleep_for(kDeletePoll);
  }
  fail("timed out waiting for the condition on " + kind.resource + "/" + name);
  return false;
}

int delete_one(const ClientContext& context, const Kind& kind, const std::string& name,
               const ObjectOptions& options) {
  std::string policy = options.cascade == "foreground" ? "Foreground"
                       : options.cascade == "orphan"   ? "Orphan"
                                                       : "Background";
  nlohmann::json body = {
      {"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", policy}};
  if (options.grace_period >= 0) body["gracePeriodSeconds"] = options.grace_period;
  auto deleted = context.call(ApiRequest::write("DELETE", context.object_path(kind, name),
                                                body.dump(), "application/json"));
  if (!deleted) return 1;
  print(kind.qualified + " \"" + name + "\" deleted\n");
  if (options.wait && !wait_until_gone(context, kind, name)) return 1;
  return 0;
}

// KIND NAME... or KIND/NAME... into references.
std::optional<std::vector<ObjectRef>> references(const std::vector<std::string>& arguments,
                                                 const std::string& default_kind) {
  std::vector<ObjectRef> refs;
  std::string error;
  if (!arguments.empty() && arguments[0].find('/') == std::string::npos &&
      (default_kind.empty() || arguments.size() > 1) && resolve_kind(arguments[0])) {
    auto kind = resolve_kind(arguments[0]);
    for (std::size_t i = 1; i < arguments.size(); ++i) refs.push_back({*kind, arguments[i]});
    return refs;
  }
  for (const auto& argument : arguments) {
    auto ref = parse_object_ref(argument, default_kind, error);
    if (!ref) {
      fail(error);
      return std::nullopt;
    }
    refs.push_back(std::move(*ref));
  }
  return refs;
}

}  // namespace

int create_command(const ClientContext& context, const ObjectOptions& options) {
  std::vector<Document> documents;
  if (!load_documents(context, options, documents)) return 1;
  int exit_code = 0;
  for (const auto& document : documents) {
    auto created = create(document);
    if (!created) {
      exit_code = 1;
      continue;
    }
    report(document.kind, *created, "created", options.output);
  }
  return exit_code;
}

int apply_command(const ClientContext& context, const ObjectOptions& options) {
  std::vector<Document> documents;
  if (!load_documents(context, options, documents)) return 1;
  int exit_code = 0;
  for (const auto& document : documents) {
    if (document.name.empty()) {
      exit_code = fail("error when retrieving current configuration of " + document.kind.qualified +
                       ": resource name may not be empty");
      continue;
    }
    const auto& ctx = document.context;
    const auto path = ctx.object_path(document.kind, document.name);
    auto current = ctx.api.get(path);
    if (!current.ok()) return fail(current.error().message());
    if (current->status == 404) {
      auto created = create(document);
      if (!created) {
        exit_code = 1;
        continue;
      }
      report(document.kind, *created, "created", options.output);
      continue;
    }
    if (current->status != 200) {
      exit_code = fail_reply(*current);
      continue;
    }
    const auto before = nlohmann::json::parse(current->body, nullptr, false);
    auto applied =
        ctx.call(ApiRequest::write("PATCH", path + "?fieldManager=batchlet&force=true",
                                   document.object.dump(), "application/apply-patch+yaml"));
    if (!applied) {
      exit_code = 1;
      continue;
    }
    const bool changed = resource_version(before) != resource_version(*applied);
    report(document.kind, *applied, changed ? "configured" : "unchanged", options.output);
  }
  return exit_code;
}

int delete_command(const ClientContext& context, const ObjectOptions& options) {
  int exit_code = 0;
  if (!options.files.empty()) {
    if (!options.arguments.empty()) {
      return fail("resource(s) were provided, but no name was specified");
    }
    std::vector<Document> documents;
    if (!load_documents(context, options, documents)) return 1;
    for (const auto& document : documents) {
      exit_code |= delete_one(document.context, document.kind, document.name, options);
    }
    return exit_code;
  }
  if (!options.selector.empty()) {
    if (options.arguments.size() != 1) {
      return fail("with -l give the kind only, as in: batchlet delete jobs -l app=x");
    }
    auto kind = resolve_kind(options.arguments[0]);
    if (!kind) return fail(unknown_kind_message(options.arguments[0]));
    auto list = context.get_json(context.collection_path(*kind) +
                                 "?labelSelector=" + base::percent_encode(options.selector));
    if (!list) return 1;
    if ((*list)["items"].empty()) {
      std::fputs("No resources found\n", stderr);
      return 0;
    }
    for (const auto& item : (*list)["items"]) {
      ClientContext item_context = context;
      item_context.ns = item["metadata"].value("namespace", context.ns);
      exit_code |= delete_one(item_context, *kind, item["metadata"].value("name", ""), options);
    }
    return exit_code;
  }
  auto refs = references(options.arguments, "");
  if (!refs) return 1;
  if (refs->empty()) {
    return fail("You must provide one or more resources by argument or filename.");
  }
  for (const auto& ref : *refs) exit_code |= delete_one(context, ref.kind, ref.name, options);
  return exit_code;
}

int suspend_command(const ClientContext& context, const ObjectOptions& options, bool suspend) {
  auto refs = references(options.arguments, "job");
  if (!refs) return 1;
  if (refs->empty())
    return fail("name the job: batchlet " + std::string(suspend ? "suspend" : "resume") +
                " job/NAME");
  int exit_code = 0;
  for (const auto& ref : *refs) {
    if (ref.kind.resource != "jobs") {
      exit_code = fail("only jobs can be " + std::string(suspend ? "suspended" : "resumed"));
      continue;
    }
    auto patched = context.call(ApiRequest::write(
        "PATCH", context.object_path(ref.kind, ref.name),
        nlohmann::json{{"spec", {{"suspend", suspend}}}}.dump(), "application/merge-patch+json"));
    if (!patched) {
      exit_code = 1;
      continue;
    }
    report(ref.kind, *patched, suspend ? "suspended" : "resumed", "");
  }
  return exit_code;
}

}  // namespace cli
