#include "agent/container_spec_builder.hpp"

#include <algorithm>

#include "agent/image_process.hpp"

namespace agent {
namespace {

// The value of a downward-API field path, or an error naming it.
base::Result<std::string> field_value(const api::Pod& pod, const std::string& path) {
  const auto keyed = [&](std::string_view prefix,
                         const api::Labels& map) -> std::optional<std::string> {
    if (path.rfind(prefix, 0) != 0 || path.size() < prefix.size() + 4) return std::nullopt;
    // metadata.labels['key']
    std::string key = path.substr(prefix.size() + 2, path.size() - prefix.size() - 4);
    auto it = map.find(key);
    return it == map.end() ? std::string() : it->second;
  };
  if (path == "metadata.name") return pod.metadata.name;
  if (path == "metadata.namespace") return pod.metadata.namespace_;
  if (path == "metadata.uid") return pod.metadata.uid;
  if (path == "spec.nodeName") return pod.spec.node_name;
  if (path == "spec.serviceAccountName") return std::string("default");
  if (path == "status.hostIP" || path == "status.hostIPs") return pod.status.host_ip;
  if (path == "status.podIP" || path == "status.podIPs") return pod.status.pod_ip;
  if (auto v = keyed("metadata.labels", pod.metadata.labels)) return *v;
  if (auto v = keyed("metadata.annotations", pod.metadata.annotations)) return *v;
  return base::Error("unsupported fieldRef " + path);
}

std::optional<std::int64_t> first(std::optional<std::int64_t> a, std::optional<std::int64_t> b) {
  return a ? a : b;
}

}  // namespace

std::filesystem::path empty_dir_path(const base::Paths& paths, const std::string& pod_uid,
                                     const std::string& volume) {
  return paths.pod_dir(pod_uid) / "volumes" / volume;
}

base::Result<runtime::StartRequest> build_start_request(const ContainerContext& ctx) {
  const api::Pod& pod = *ctx.pod;
  api::Container container = *ctx.container;
  for (api::EnvVar& var : container.env) {
    if (!var.value_from || !var.value_from->field_ref) continue;
    auto value = field_value(pod, var.value_from->field_ref->field_path);
    if (!value.ok()) return value.error();
    var.value = *value;
    var.value_from.reset();
  }
  const runtime::ImageConfig no_image;
  auto process = image_process(container, ctx.image ? ctx.image->config : no_image);
  if (!process.ok()) return process.error();

  runtime::StartRequest request;
  request.state_dir = ctx.paths.container_state_dir(pod.metadata.uid, container.name);
  request.shim_binary = ctx.shim_binary;
  runtime::ContainerSpec& spec = request.spec;
  spec.id = pod.metadata.uid + "_" + container.name;
  spec.argv = std::move(process->argv);
  spec.env = std::move(process->env);
  spec.cwd = process->cwd;
  spec.hostname = pod.spec.hostname.empty() ? pod.metadata.name : pod.spec.hostname;

  if (ctx.image == nullptr) {
    spec.rootfs.kind = runtime::RootfsSpec::Kind::host;
  } else {
    spec.rootfs.kind = runtime::RootfsSpec::Kind::overlay;
    spec.rootfs.lower_dirs = ctx.image->lowerdirs;
    // A fresh writable layer per instance, as a restarted container gets a new container.
    const auto rootfs = request.state_dir / ("rootfs-" + std::to_string(ctx.restart_count));
    spec.rootfs.upper_dir = rootfs / "upper";
    spec.rootfs.work_dir = rootfs / "work";
    spec.rootfs.mount_point = rootfs / "merged";
  }

  // Security context: the container's fields win over the pod's.
  const api::PodSecurityContext pod_sc =
      pod.spec.security_context.value_or(api::PodSecurityContext{});
  const api::SecurityContext sc = container.security_context.value_or(api::SecurityContext{});
  const auto uid = first(sc.run_as_user, pod_sc.run_as_user);
  const auto gid = first(sc.run_as_group, pod_sc.run_as_group);
  if (uid) {
    spec.uid = static_cast<std::uint32_t>(*uid);
    spec.gid = static_cast<std::uint32_t>(gid.value_or(0));
  } else if (!process->user.empty()) {
    spec.user_name = process->user;  // resolved in the rootfs' /etc/passwd
    if (gid) spec.gid = static_cast<std::uint32_t>(*gid);
  } else if (gid) {
    spec.gid = static_cast<std::uint32_t>(*gid);
  }
  for (std::int64_t g : pod_sc.supplemental_groups) {
    spec.supplementary_groups.push_back(static_cast<std::uint32_t>(g));
  }
  spec.run_as_non_root = sc.run_as_non_root.value_or(pod_sc.run_as_non_root.value_or(false));
  spec.privileged = sc.privileged.value_or(false);
  if (sc.capabilities) {
    spec.capabilities_add = sc.capabilities->add;
    spec.capabilities_drop = sc.capabilities->drop;
  }
  const auto& seccomp = sc.seccomp_profile ? sc.seccomp_profile : pod_sc.seccomp_profile;
  if (seccomp) {
    if (seccomp->type == "Unconfined") {
      spec.seccomp.kind = runtime::SeccompSpec::Kind::unconfined;
    } else if (seccomp->type == "Localhost") {
      spec.seccomp.kind = runtime::SeccompSpec::Kind::localhost;
      spec.seccomp.localhost_profile =
          ctx.paths.state_dir() / "seccomp" / seccomp->localhost_profile.value_or("");
    }
  }
  if (ctx.owner) {
    // A user's namespace: their identity, no privileges beyond it (admission refused the rest;
    // this holds even for a Job stored before the namespace had an owner).
    spec.uid = ctx.owner->uid;
    spec.gid = ctx.owner->gid;
    spec.user_name.reset();
    spec.supplementary_groups = ctx.owner->groups;
    spec.privileged = false;
    spec.capabilities_add.clear();
    const bool has_home = std::any_of(spec.env.begin(), spec.env.end(),
                                      [](const std::string& e) { return e.starts_with("HOME="); });
    if (!has_home) spec.env.push_back("HOME=" + ctx.owner->home.string());
  }
  // Kubernetes leaves no_new_privs off unless allowPrivilegeEscalation is false.
  spec.no_new_privs = sc.allow_privilege_escalation.has_value() && !*sc.allow_privilege_escalation;
  spec.rootfs.read_only = sc.read_only_root_filesystem.value_or(false);

  for (const api::VolumeMount& mount : container.volume_mounts) {
    const api::Volume* volume = nullptr;
    for (const api::Volume& v : pod.spec.volumes) {
      if (v.name == mount.name) volume = &v;
    }
    if (volume == nullptr) return base::Error("volume " + mount.name + " not found");
    runtime::MountSpec m;
    m.destination = mount.mount_path;
    m.read_only = mount.read_only;
    if (volume->empty_dir && volume->empty_dir->medium == "Memory") {
      m.kind = runtime::MountSpec::Kind::tmpfs;
      if (volume->empty_dir->size_limit) {
        m.tmpfs_size_bytes = static_cast<std::uint64_t>(volume->empty_dir->size_limit->value());
      }
    } else if (volume->empty_dir) {
      m.source = empty_dir_path(ctx.paths, pod.metadata.uid, volume->name);
    } else if (volume->host_path) {
      m.source = volume->host_path->path;
    } else {
      return base::Error("volume " + mount.name + " has no source batchlet supports");
    }
    if (!mount.sub_path.empty() && m.kind == runtime::MountSpec::Kind::bind) {
      m.source /= mount.sub_path;
    }
    spec.mounts.push_back(std::move(m));
  }

  if (!ctx.cgroup_dir.empty()) spec.cgroup_dir = ctx.cgroup_dir;
  spec.log_path = ctx.paths.container_log(pod.metadata.namespace_, pod.metadata.name,
                                          pod.metadata.uid, container.name, ctx.restart_count);
  if (!container.termination_message_path.empty()) {
    spec.termination_message_path = container.termination_message_path;
    request.options.termination_message_file = request.state_dir / "termination-log";
  }
  request.options.log_rotation = ctx.log_rotation;
  request.options.fallback_to_logs_on_error =
      container.termination_message_policy == "FallbackToLogsOnError";
  spec.stop_grace_period =
      std::chrono::seconds(pod.spec.termination_grace_period_seconds.value_or(30));
  return request;
}

}  // namespace agent
