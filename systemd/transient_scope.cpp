// systemd/transient_scope.cpp: StartTransientUnit for a delegated scope, over sd-bus.
// Contract: see transient_scope.hpp.
#include "systemd/transient_scope.hpp"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <thread>

#include "base/error.hpp"

namespace systemd {

namespace {

constexpr const char* kDestination = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";

struct BusDeleter {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using Bus = std::unique_ptr<sd_bus, BusDeleter>;

struct MessageDeleter {
  void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
using Message = std::unique_ptr<sd_bus_message, MessageDeleter>;

// sd_bus_error with its lifetime; message() prefers systemd's own text over strerror.
struct BusError {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { sd_bus_error_free(&error); }
  bool has_name(const char* name) const { return sd_bus_error_has_name(&error, name) != 0; }
  base::Error to_error(std::string_view what, int r) const {
    if (sd_bus_error_is_set(&error) && error.message != nullptr) {
      return base::Error::with_errno(std::string(what) + ": " + error.message, -r);
    }
    return base::Error::from_errno(what, -r);
  }
};

struct FreeDeleter {
  void operator()(char* text) const { std::free(text); }
};

// systemd's private socket first: it needs no D-Bus daemon (minimal installs have none), and
// is what systemctl itself uses as root.
base::Result<Bus> connect() {
  sd_bus* raw = nullptr;
  int r = sd_bus_new(&raw);
  if (r < 0) return base::Error::from_errno("connect to systemd: sd_bus_new", -r);
  Bus bus(raw);
  r = sd_bus_set_address(bus.get(), "unix:path=/run/systemd/private");
  if (r >= 0) r = sd_bus_start(bus.get());
  if (r >= 0) return bus;
  const std::string private_error = base::Error::from_errno("/run/systemd/private", -r).message();
  raw = nullptr;
  r = sd_bus_open_system(&raw);
  if (r < 0) {
    return base::Error::from_errno("connect to systemd (" + private_error + "; system bus)", -r);
  }
  return Bus(raw);
}

base::Result<std::optional<std::string>> unit_path(sd_bus* bus, const std::string& name) {
  BusError error;
  sd_bus_message* raw = nullptr;
  const int r = sd_bus_call_method(bus, kDestination, kManagerPath, kManagerInterface, "GetUnit",
                                   &error.error, &raw, "s", name.c_str());
  Message reply(raw);
  if (r < 0) {
    if (error.has_name("org.freedesktop.systemd1.NoSuchUnit")) {
      return std::optional<std::string>();
    }
    return error.to_error("systemd GetUnit " + name, r);
  }
  const char* path = nullptr;
  const int read = sd_bus_message_read(reply.get(), "o", &path);
  if (read < 0) return base::Error::from_errno("systemd GetUnit " + name + ": read reply", -read);
  return std::optional<std::string>(path);
}

base::Result<std::string> string_property(sd_bus* bus, const std::string& path,
                                          const char* interface, const char* property,
                                          const std::string& name) {
  BusError error;
  char* raw = nullptr;
  const int r = sd_bus_get_property_string(bus, kDestination, path.c_str(), interface, property,
                                           &error.error, &raw);
  std::unique_ptr<char, FreeDeleter> value(raw);
  if (r < 0) return error.to_error("systemd " + name + " " + property, r);
  return std::string(value ? value.get() : "");
}

base::Result<std::string> active_state(sd_bus* bus, const std::string& path,
                                       const std::string& name) {
  return string_property(bus, path, "org.freedesktop.systemd1.Unit", "ActiveState", name);
}

base::Result<std::string> control_group(sd_bus* bus, const std::string& path,
                                        const std::string& name) {
  return string_property(bus, path, "org.freedesktop.systemd1.Scope", "ControlGroup", name);
}

base::Status start_unit(sd_bus* bus, const ScopeRequest& request) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_call(bus, &raw, kDestination, kManagerPath, kManagerInterface,
                                         "StartTransientUnit");
  Message call(raw);
  const std::string what = "systemd StartTransientUnit " + request.name;
  if (r < 0) return base::Error::from_errno(what, -r);
  sd_bus_message* m = call.get();
  r = sd_bus_message_append(m, "ss", request.name.c_str(), "fail");
  if (r >= 0) r = sd_bus_message_open_container(m, 'a', "(sv)");
  if (r >= 0) r = sd_bus_message_append(m, "(sv)", "Description", "s", request.description.c_str());
  if (r >= 0 && !request.slice.empty()) {
    r = sd_bus_message_append(m, "(sv)", "Slice", "s", request.slice.c_str());
  }
  if (r >= 0) r = sd_bus_message_append(m, "(sv)", "Delegate", "b", 1);
  if (r >= 0) r = sd_bus_message_append(m, "(sv)", "CollectMode", "s", "inactive-or-failed");
  if (r >= 0) {
    r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, static_cast<uint32_t>(request.pid));
  }
  if (r >= 0) r = sd_bus_message_close_container(m);
  if (r >= 0) r = sd_bus_message_append(m, "a(sa(sv))", 0);
  if (r < 0) return base::Error::from_errno(what + ": build the call", -r);
  BusError error;
  sd_bus_message* reply = nullptr;
  r = sd_bus_call(bus, m, 0, &error.error, &reply);
  Message reply_owner(reply);
  if (r < 0) return error.to_error(what, r);
  return {};
}

}  // namespace

base::Result<std::optional<std::string>> active_scope_cgroup(const std::string& name) {
  base::Result<Bus> bus = connect();
  if (!bus.ok()) return bus.error();
  base::Result<std::optional<std::string>> path = unit_path(bus->get(), name);
  if (!path.ok() || !path->has_value()) return path;
  base::Result<std::string> state = active_state(bus->get(), **path, name);
  if (!state.ok()) return state.error();
  if (*state != "active") return std::optional<std::string>();
  base::Result<std::string> cgroup = control_group(bus->get(), **path, name);
  if (!cgroup.ok()) return cgroup.error();
  return std::optional<std::string>(std::move(cgroup).value());
}

base::Result<std::string> start_delegated_scope(const ScopeRequest& request,
                                                std::chrono::milliseconds timeout) {
  base::Result<Bus> bus = connect();
  if (!bus.ok()) return bus.error();
  base::Result<std::optional<std::string>> existing = unit_path(bus->get(), request.name);
  if (!existing.ok()) return existing.error();
  if (existing->has_value()) {
    base::Result<std::string> state = active_state(bus->get(), **existing, request.name);
    if (!state.ok()) return state.error();
    if (*state == "failed") {
      BusError error;
      const int r =
          sd_bus_call_method(bus->get(), kDestination, kManagerPath, kManagerInterface,
                             "ResetFailedUnit", &error.error, nullptr, "s", request.name.c_str());
      if (r < 0) return error.to_error("systemd ResetFailedUnit " + request.name, r);
    }
  }
  if (base::Status started = start_unit(bus->get(), request); !started.ok()) {
    return started.error();
  }
  // The start is a job: the scope is active (and the pid in it) once the job ran.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_state;
  for (;;) {
    base::Result<std::optional<std::string>> path = unit_path(bus->get(), request.name);
    if (!path.ok()) return path.error();
    if (path->has_value()) {
      base::Result<std::string> state = active_state(bus->get(), **path, request.name);
      if (!state.ok()) return state.error();
      last_state = *state;
      if (last_state == "active") return control_group(bus->get(), **path, request.name);
      if (last_state == "failed") {
        return base::Error("systemd scope " + request.name + " failed to start");
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return base::Error("systemd scope " + request.name + " not active after " +
                         std::to_string(timeout.count()) + " ms (state " +
                         (last_state.empty() ? std::string("not loaded") : last_state) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ScopePlace pods_scope_for(const std::string& own_cgroup) {
  ScopePlace place;
  const size_t slash = own_cgroup.rfind('/');
  if (slash == std::string::npos) return place;
  const std::string unit = own_cgroup.substr(slash + 1);
  constexpr std::string_view kService = ".service";
  if (unit.size() <= kService.size() ||
      unit.compare(unit.size() - kService.size(), kService.size(), kService) != 0) {
    return place;
  }
  std::string stem = unit.substr(0, unit.size() - kService.size());
  // A template instance (batchlet@x.service) names an instance scope that is no template.
  for (char& c : stem) {
    if (c == '@') c = '-';
  }
  place.name = stem + "-pods.scope";
  const std::string parent = own_cgroup.substr(0, slash);
  const size_t parent_slash = parent.rfind('/');
  const std::string slice =
      parent_slash == std::string::npos ? parent : parent.substr(parent_slash + 1);
  constexpr std::string_view kSlice = ".slice";
  if (slice.size() > kSlice.size() &&
      slice.compare(slice.size() - kSlice.size(), kSlice.size(), kSlice) == 0) {
    place.slice = slice;
  }
  return place;
}

}  // namespace systemd
