#include "runtime/container_spec_json.hpp"

#include <nlohmann/json.hpp>

namespace runtime {
namespace {

using nlohmann::json;

const char* rootfs_kind_name(RootfsSpec::Kind k) {
  switch (k) {
    case RootfsSpec::Kind::host:
      return "host";
    case RootfsSpec::Kind::overlay:
      return "overlay";
    case RootfsSpec::Kind::directory:
      return "directory";
  }
  return "host";
}
const char* mount_kind_name(MountSpec::Kind k) {
  return k == MountSpec::Kind::bind ? "bind" : "tmpfs";
}
const char* seccomp_kind_name(SeccompSpec::Kind k) {
  switch (k) {
    case SeccompSpec::Kind::runtime_default:
      return "RuntimeDefault";
    case SeccompSpec::Kind::unconfined:
      return "Unconfined";
    case SeccompSpec::Kind::localhost:
      return "Localhost";
  }
  return "RuntimeDefault";
}

json paths(const std::vector<std::filesystem::path>& ps) {
  json a = json::array();
  for (const auto& p : ps) a.push_back(p.string());
  return a;
}

// Reading: a failed step throws ParseFailure inside this file only; the public function turns
// it into an Error.
struct ParseFailure {
  std::string message;
};

[[noreturn]] void fail(const std::string& field, const std::string& why) {
  throw ParseFailure{field + ": " + why};
}

const json* member(const json& j, const char* key, const std::string& where) {
  if (!j.is_object()) fail(where, "not an object");
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string name(const std::string& where, const char* key) {
  return where.empty() ? std::string(key) : where + "." + key;
}

void read(const json& j, const char* key, const std::string& where, std::string& out) {
  if (auto* v = member(j, key, where)) {
    if (!v->is_string()) fail(name(where, key), "not a string");
    out = v->get<std::string>();
  }
}
void read(const json& j, const char* key, const std::string& where, std::filesystem::path& out) {
  std::string s;
  if (member(j, key, where)) {
    read(j, key, where, s);
    out = s;
  }
}
void read(const json& j, const char* key, const std::string& where, bool& out) {
  if (auto* v = member(j, key, where)) {
    if (!v->is_boolean()) fail(name(where, key), "not a boolean");
    out = v->get<bool>();
  }
}
template <typename Int>
void read_int(const json& j, const char* key, const std::string& where, Int& out) {
  if (auto* v = member(j, key, where)) {
    if (!v->is_number_integer()) fail(name(where, key), "not an integer");
    if (v->is_number_unsigned()) {
      out = static_cast<Int>(v->get<std::uint64_t>());
    } else {
      out = static_cast<Int>(v->get<std::int64_t>());
    }
  }
}
void read(const json& j, const char* key, const std::string& where, std::vector<std::string>& out) {
  if (auto* v = member(j, key, where)) {
    if (!v->is_array()) fail(name(where, key), "not an array");
    out.clear();
    for (const auto& e : *v) {
      if (!e.is_string()) fail(name(where, key), "holds a non-string");
      out.push_back(e.get<std::string>());
    }
  }
}
void read(const json& j, const char* key, const std::string& where,
          std::vector<std::filesystem::path>& out) {
  std::vector<std::string> s;
  if (member(j, key, where)) {
    read(j, key, where, s);
    out.assign(s.begin(), s.end());
  }
}

template <typename Enum, typename Namer>
void read_enum(const json& j, const char* key, const std::string& where, Enum& out,
               std::initializer_list<Enum> values, Namer namer) {
  std::string s;
  read(j, key, where, s);
  if (!member(j, key, where)) return;
  for (Enum e : values) {
    if (s == namer(e)) {
      out = e;
      return;
    }
  }
  fail(name(where, key), "unknown value \"" + s + "\"");
}

ContainerSpec parse(const json& j) {
  ContainerSpec s;
  const std::string top;
  read(j, "id", top, s.id);
  read(j, "argv", top, s.argv);
  read(j, "env", top, s.env);
  read(j, "cwd", top, s.cwd);
  read_int(j, "uid", top, s.uid);
  read_int(j, "gid", top, s.gid);
  if (auto* g = member(j, "supplementary_groups", top)) {
    if (!g->is_array()) fail("supplementary_groups", "not an array");
    for (const auto& e : *g) {
      if (!e.is_number_unsigned()) fail("supplementary_groups", "holds a non-id");
      s.supplementary_groups.push_back(e.get<std::uint32_t>());
    }
  }
  if (member(j, "user_name", top)) {
    std::string u;
    read(j, "user_name", top, u);
    s.user_name = u;
  }
  read(j, "run_as_non_root", top, s.run_as_non_root);
  read(j, "hostname", top, s.hostname);
  read(j, "host_network", top, s.host_network);
  if (auto* r = member(j, "rootfs", top)) {
    const std::string w = "rootfs";
    read_enum(*r, "kind", w, s.rootfs.kind,
              {RootfsSpec::Kind::host, RootfsSpec::Kind::overlay, RootfsSpec::Kind::directory},
              rootfs_kind_name);
    read(*r, "lower_dirs", w, s.rootfs.lower_dirs);
    read(*r, "upper_dir", w, s.rootfs.upper_dir);
    read(*r, "work_dir", w, s.rootfs.work_dir);
    read(*r, "directory", w, s.rootfs.directory);
    read(*r, "read_only", w, s.rootfs.read_only);
  }
  if (auto* ms = member(j, "mounts", top)) {
    if (!ms->is_array()) fail("mounts", "not an array");
    for (std::size_t i = 0; i < ms->size(); ++i) {
      const std::string w = "mounts[" + std::to_string(i) + "]";
      MountSpec m;
      read_enum((*ms)[i], "kind", w, m.kind, {MountSpec::Kind::bind, MountSpec::Kind::tmpfs},
                mount_kind_name);
      read((*ms)[i], "source", w, m.source);
      read((*ms)[i], "destination", w, m.destination);
      read((*ms)[i], "read_only", w, m.read_only);
      if (member((*ms)[i], "tmpfs_size_bytes", w)) {
        std::uint64_t size = 0;
        read_int((*ms)[i], "tmpfs_size_bytes", w, size);
        m.tmpfs_size_bytes = size;
      }
      s.mounts.push_back(std::move(m));
    }
  }
  read(j, "privileged", top, s.privileged);
  read(j, "capabilities_add", top, s.capabilities_add);
  read(j, "capabilities_drop", top, s.capabilities_drop);
  if (auto* sc = member(j, "seccomp", top)) {
    read_enum(*sc, "kind", "seccomp", s.seccomp.kind,
              {SeccompSpec::Kind::runtime_default, SeccompSpec::Kind::unconfined,
               SeccompSpec::Kind::localhost},
              seccomp_kind_name);
    read(*sc, "localhost_profile", "seccomp", s.seccomp.localhost_profile);
  }
  read(j, "no_new_privs", top, s.no_new_privs);
  if (auto* rs = member(j, "rlimits", top)) {
    if (!rs->is_array()) fail("rlimits", "not an array");
    for (std::size_t i = 0; i < rs->size(); ++i) {
      const std::string w = "rlimits[" + std::to_string(i) + "]";
      Rlimit r;
      read_int((*rs)[i], "resource", w, r.resource);
      read_int((*rs)[i], "soft", w, r.soft);
      read_int((*rs)[i], "hard", w, r.hard);
      s.rlimits.push_back(r);
    }
  }
  read(j, "cgroup_dir", top, s.cgroup_dir);
  read(j, "log_path", top, s.log_path);
  read(j, "termination_message_path", top, s.termination_message_path);
  std::int64_t grace_ns = s.stop_grace_period.count();
  read_int(j, "stop_grace_period_ns", top, grace_ns);
  if (grace_ns < 0) fail("stop_grace_period_ns", "negative");
  s.stop_grace_period = std::chrono::nanoseconds(grace_ns);
  return s;
}

}  // namespace

std::string container_spec_to_json(const ContainerSpec& s) {
  json j;
  j["id"] = s.id;
  j["argv"] = s.argv;
  j["env"] = s.env;
  j["cwd"] = s.cwd.string();
  j["uid"] = s.uid;
  j["gid"] = s.gid;
  j["supplementary_groups"] = s.supplementary_groups;
  j["user_name"] = s.user_name ? json(*s.user_name) : json(nullptr);
  j["run_as_non_root"] = s.run_as_non_root;
  j["hostname"] = s.hostname;
  j["host_network"] = s.host_network;
  j["rootfs"] = {
      {"kind", rootfs_kind_name(s.rootfs.kind)},  {"lower_dirs", paths(s.rootfs.lower_dirs)},
      {"upper_dir", s.rootfs.upper_dir.string()}, {"work_dir", s.rootfs.work_dir.string()},
      {"directory", s.rootfs.directory.string()}, {"read_only", s.rootfs.read_only}};
  j["mounts"] = json::array();
  for (const auto& m : s.mounts) {
    j["mounts"].push_back(
        {{"kind", mount_kind_name(m.kind)},
         {"source", m.source.string()},
         {"destination", m.destination.string()},
         {"read_only", m.read_only},
         {"tmpfs_size_bytes", m.tmpfs_size_bytes ? json(*m.tmpfs_size_bytes) : json(nullptr)}});
  }
  j["privileged"] = s.privileged;
  j["capabilities_add"] = s.capabilities_add;
  j["capabilities_drop"] = s.capabilities_drop;
  j["seccomp"] = {{"kind", seccomp_kind_name(s.seccomp.kind)},
                  {"localhost_profile", s.seccomp.localhost_profile.string()}};
  j["no_new_privs"] = s.no_new_privs;
  j["rlimits"] = json::array();
  for (const auto& r : s.rlimits) {
    j["rlimits"].push_back({{"resource", r.resource}, {"soft", r.soft}, {"hard", r.hard}});
  }
  j["cgroup_dir"] = s.cgroup_dir.string();
  j["log_path"] = s.log_path.string();
  j["termination_message_path"] = s.termination_message_path.string();
  j["stop_grace_period_ns"] = s.stop_grace_period.count();
  // Invalid UTF-8 in an argument must not abort serialisation: replace it, visibly.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

base::Result<ContainerSpec> container_spec_from_json(std::string_view text) {
  try {
    return parse(json::parse(text));
  } catch (const ParseFailure& f) {
    return base::Error("parse container spec: " + f.message);
  } catch (const json::exception& e) {
    return base::Error(std::string("parse container spec: ") + e.what());
  }
}

}  // namespace runtime
