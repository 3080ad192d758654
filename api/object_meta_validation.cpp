#include "api/object_meta_validation.hpp"

#include "api/name_rules.hpp"

namespace api {
namespace {

std::string go_bool_pointer(const std::optional<bool>& v) {
  if (!v) return "(*bool)(nil)";
  return *v ? "(*bool)(true)" : "(*bool)(false)";
}

// A deterministic stand-in for Go's %#v of a metav1.OwnerReference (upstream prints the
// addresses of the *bool fields; the values are shown instead).
std::string go_owner_reference(const OwnerReference& ref) {
  return "v1.OwnerReference{APIVersion:" + quote(ref.api_version) + ", Kind:" + quote(ref.kind) +
         ", Name:" + quote(ref.name) + ", UID:" + quote(ref.uid) +
         ", Controller:" + go_bool_pointer(ref.controller) +
         ", BlockOwnerDeletion:" + go_bool_pointer(ref.block_owner_deletion) + "}";
}

std::string go_owner_references(const std::vector<OwnerReference>& refs) {
  std::string out = "[]v1.OwnerReference{";
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i > 0) out += ", ";
    out += go_owner_reference(refs[i]);
  }
  out += '}';
  return out;
}

std::string go_strings(const std::vector<std::string>& values) {
  std::string out = "[]string{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote(values[i]);
  }
  out += '}';
  return out;
}

// schema.ParseGroupVersion's version part: "" for "", the whole string without '/', the part
// after the only '/', and "" (a parse error) for more than one '/'.
std::string version_of(const std::string& api_version) {
  const auto slash = api_version.find('/');
  if (slash == std::string::npos) return api_version;
  if (api_version.find('/', slash + 1) != std::string::npos) return "";
  return api_version.substr(slash + 1);
}

}  // namespace

void validate_owner_references(const std::vector<OwnerReference>& refs, const std::string& field,
                               FieldErrors& out) {
  std::string first_controller;
  for (const OwnerReference& ref : refs) {
    const std::string version = version_of(ref.api_version);
    const std::string& kind = ref.kind;
    if (version.empty()) {
      out.push_back(
          invalid(field + ".apiVersion", quote(ref.api_version), "version must not be empty"));
    }
    if (kind.empty()) out.push_back(invalid(field + ".kind", quote(ref.kind), "must not be empty"));
    if (ref.name.empty())
      out.push_back(invalid(field + ".name", quote(ref.name), "must not be empty"));
    if (ref.uid.empty())
      out.push_back(invalid(field + ".uid", quote(ref.uid), "must not be empty"));
    // BannedOwners: core/v1 Events.
    if (ref.api_version == "v1" && kind == "Event") {
      out.push_back(invalid(field, go_owner_reference(ref),
                            "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (ref.controller.value_or(false)) {
      const std::string name = ref.kind + "/" + ref.name;
      if (!first_controller.empty()) {
        out.push_back(invalid(field, go_owner_references(refs),
                              "Only one reference can have Controller set to true. Found \"true\" "
                              "in references for " +
                                  first_controller + " and " + name));
      } else {
        first_controller = name;
      }
    }
  }
}

void validate_finalizers(const std::vector<std::string>& finalizers, const std::string& field,
                         FieldErrors& out) {
  bool orphan = false;
  bool foreground = false;
  for (const auto& f : finalizers) {
    for (auto& e : qualified_name_errors(f)) out.push_back(invalid(field, quote(f), e));
    orphan = orphan || f == "orphan";
    foreground = foreground || f == "foregroundDeletion";
  }
  if (orphan && foreground) {
    out.push_back(invalid(field, go_strings(finalizers),
                          "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  // core's validateKubeFinalizerName: an unqualified name must be a standard one.
  for (std::size_t i = 0; i < finalizers.size(); ++i) {
    const std::string& f = finalizers[i];
    if (f.find('/') == std::string::npos && f != "kubernetes" && f != "orphan" &&
        f != "foregroundDeletion") {
      out.push_back(invalid(field + "[" + std::to_string(i) + "]", quote(f),
                            "name is neither a standard finalizer name nor is it fully qualified"));
    }
  }
}

}  // namespace api
