// systemd/journal_log.cpp: see journal_log.hpp.
#include "systemd/journal_log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <cstdlib>
#include <mutex>

namespace systemd {
namespace {

bool is_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return key.front() != '_' && !(key.front() >= '0' && key.front() <= '9');
}

std::string field_name(std::string_view key) {
  if (key == "job") return "JOB_NAME";
  if (key == "pod") return "POD_NAME";
  if (key == "pod_uid") return "POD_UID";
  if (key == "container") return "CONTAINER_NAME";
  std::string name(key);
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return name;
}

int priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;
  }
}

class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string_view text(msg.payload.data(), msg.payload.size());
    std::vector<std::string> assignments;
    assignments.push_back("MESSAGE=" + std::string(text));
    assignments.push_back("PRIORITY=" + std::to_string(priority(msg.level)));
    assignments.push_back("SYSLOG_IDENTIFIER=batchlet");
    for (auto& [name, value] : journal_fields(text)) {
      assignments.push_back(name + "=" + value);
    }
    std::vector<iovec> iov;
    for (auto& a : assignments) iov.push_back({a.data(), a.size()});
    // Best effort, as every log write: the journal being gone must not stop the agent.
    (void)sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
  }
  void flush_() override {}
};

}  // namespace

bool stderr_is_journal() {
  const char* value = std::getenv("JOURNAL_STREAM");
  if (value == nullptr) return false;
  struct stat st {};
  if (::fstat(2, &st) != 0) return false;
  const std::string expected = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                               std::to_string(static_cast<unsigned long long>(st.st_ino));
  return expected == value;
}

base::Status log_to_journal() {
  auto logger = spdlog::default_logger();
  if (!logger) return base::Error("log to the journal: no default logger");
  logger->sinks().clear();
  logger->sinks().push_back(std::make_shared<JournalSink>());
  return {};
}

std::vector<std::pair<std::string, std::string>> journal_fields(std::string_view message) {
  // Walk back over the trailing words while they are key=value.
  std::vector<std::pair<std::string, std::string>> reversed;
  std::string_view rest = message;
  while (!rest.empty()) {
    const auto space = rest.rfind(' ');
    const std::string_view word = space == std::string_view::npos ? rest : rest.substr(space + 1);
    const auto eq = word.find('=');
    if (eq == std::string_view::npos || eq + 1 == word.size() || !is_key(word.substr(0, eq))) {
      break;
    }
    reversed.emplace_back(field_name(word.substr(0, eq)), std::string(word.substr(eq + 1)));
    if (space == std::string_view::npos) break;
    rest = rest.substr(0, space);
  }
  return {reversed.rbegin(), reversed.rend()};
}

}  // namespace systemd
