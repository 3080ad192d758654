#include "runtime/container_state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "base/unique_fd.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/log_reader.hpp"
#include "runtime/timestamp.hpp"

namespace runtime {
namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// Reads and parses a state file; std::nullopt when it does not exist.
base::Result<std::optional<json>> load(const std::filesystem::path& file) {
  auto text = base::read_file(file, 1 << 20);
  if (!text) {
    if (text.error().sys_errno() == ENOENT) return std::optional<json>();
    return text.error();
  }
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return base::Error("parse " + file.string() + ": not a JSON object");
  }
  return std::optional<json>(std::move(j));
}

template <typename F>
auto guarded(const std::filesystem::path& file, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const json::exception& e) {
    return base::Error("parse " + file.string() + ": " + e.what());
  }
}

base::Result<base::TimePoint> time_field(const json& j, const char* key,
                                         const std::filesystem::path& file) {
  auto t = parse_rfc3339(j.at(key).get<std::string>());
  if (!t) return t.error().context("parse " + file.string() + ": " + key);
  return *t;
}

// The last `max` bytes of a file (kubelet's tail.ReadAtMost).
base::Result<std::string> read_tail(const std::filesystem::path& file, std::size_t max) {
  base::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return base::Error::from_errno("open " + file.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return base::Error::from_errno("stat " + file.string(), errno);
  if (!S_ISREG(st.st_mode)) return base::Error("read " + file.string() + ": not a regular file");
  const off_t start =
      st.st_size > static_cast<off_t>(max) ? st.st_size - static_cast<off_t>(max) : 0;
  std::string out(static_cast<std::size_t>(st.st_size - start), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n =
        ::pread(fd.get(), out.data() + got, out.size() - got, start + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Error::from_errno("read " + file.string(), errno);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace

base::Status write_shim_options(const std::filesystem::path& file, const ShimOptions& o) {
  json j{{"log_max_bytes", o.log_rotation.max_bytes},
         {"log_max_files", o.log_rotation.max_files},
         {"termination_message_file", o.termination_message_file.string()},
         {"fallback_to_logs_on_error", o.fallback_to_logs_on_error}};
  return write_file_atomically(file, dump(j));
}

base::Result<ShimOptions> read_shim_options(const std::filesystem::path& file) {
  auto j = load(file);
  if (!j) return j.error();
  if (!*j) return base::Error("read " + file.string() + ": No such file or directory");
  return guarded(file, [&]() -> base::Result<ShimOptions> {
    const json& v = **j;
    ShimOptions o;
    o.log_rotation.max_bytes = v.at("log_max_bytes").get<std::uint64_t>();
    o.log_rotation.max_files = v.at("log_max_files").get<int>();
    o.termination_message_file = v.at("termination_message_file").get<std::string>();
    o.fallback_to_logs_on_error = v.at("fallback_to_logs_on_error").get<bool>();
    return o;
  });
}

base::Status write_shim_state(const std::filesystem::path& file, const ShimState& s) {
  json j{{"shim_pid", s.shim_pid},
         {"shim_start_ticks", s.shim_start_ticks},
         {"container_pid", s.container_pid},
         {"container_start_ticks", s.container_start_ticks},
         {"started_at", format_rfc3339_nano(s.started_at)}};
  return write_file_atomically(file, dump(j));
}

base::Result<std::optional<ShimState>> read_shim_state(const std::filesystem::path& file) {
  auto j = load(file);
  if (!j) return j.error();
  if (!*j) return std::optional<ShimState>();
  return guarded(file, [&]() -> base::Result<std::optional<ShimState>> {
    const json& v = **j;
    ShimState s;
    s.shim_pid = v.at("shim_pid").get<pid_t>();
    s.shim_start_ticks = v.at("shim_start_ticks").get<std::uint64_t>();
    s.container_pid = v.at("container_pid").get<pid_t>();
    s.container_start_ticks = v.at("container_start_ticks").get<std::uint64_t>();
    auto t = time_field(v, "started_at", file);
    if (!t) return t.error();
    s.started_at = *t;
    return std::optional<ShimState>(s);
  });
}

base::Status write_exit_status(const std::filesystem::path& file, const ExitStatus& e) {
  json j{{"exit_code", e.exit.exit_code},
         {"signal", e.exit.signal},
         {"started_at", e.started_at ? json(format_rfc3339_nano(*e.started_at)) : json(nullptr)},
         {"finished_at", format_rfc3339_nano(e.finished_at)},
         {"start_error", e.start_error},
         {"message", e.message}};
  return write_file_atomically(file, dump(j));
}

base::Result<std::optional<ExitStatus>> read_exit_status(const std::filesystem::path& file) {
  auto j = load(file);
  if (!j) return j.error();
  if (!*j) return std::optional<ExitStatus>();
  return guarded(file, [&]() -> base::Result<std::optional<ExitStatus>> {
    const json& v = **j;
    ExitStatus e;
    e.exit.exit_code = v.at("exit_code").get<int>();
    e.exit.signal = v.at("signal").get<int>();
    if (!v.at("started_at").is_null()) {
      auto t = time_field(v, "started_at", file);
      if (!t) return t.error();
      e.started_at = *t;
    }
    auto f = time_field(v, "finished_at", file);
    if (!f) return f.error();
    e.finished_at = *f;
    e.start_error = v.at("start_error").get<std::string>();
    e.message = v.at("message").get<std::string>();
    return std::optional<ExitStatus>(std::move(e));
  });
}

std::string termination_message(const std::filesystem::path& message_file, bool fallback_to_logs,
                                const base::ProcessExit& exit, const std::filesystem::path& log) {
  std::string message;
  if (!message_file.empty()) {
    auto text = read_tail(message_file, kMaxTerminationMessageBytes);
    if (text) message = std::move(*text);
  }
  if (message.empty() && fallback_to_logs && !exit.success() && !log.empty()) {
    auto tail = last_log_output(log, kFallbackLogLines, kFallbackLogBytes);
    if (tail) message = std::move(*tail);
  }
  return message;
}

}  // namespace runtime
