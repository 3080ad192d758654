// systemd/journal_log.hpp: logging straight to journald (sd_journal_sendv) when batchlet runs as
// a service whose stderr is the journal, so `journalctl -u batchlet` has priorities and
// structured fields instead of flat text.
//
// Contract:
// - stderr_is_journal(): JOURNAL_STREAM (set by systemd for StandardError=journal) names the
//   device and inode of this process's stderr — systemd's documented test; false anywhere else
//   (a shell, a test, a container).
// - log_to_journal() gives the default logger one sink, the journal, keeping its level. Each
//   line becomes an entry with MESSAGE (the text as logged), PRIORITY (syslog levels: error 3,
//   warn 4, info 6, debug and trace 7), SYSLOG_IDENTIFIER=batchlet, and one field per trailing
//   `key=value` word of the message: job -> JOB_NAME, pod -> POD_NAME, pod_uid -> POD_UID,
//   container -> CONTAINER_NAME, any other key upper-cased (journal_fields()).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace systemd {

bool stderr_is_journal();

base::Status log_to_journal();

// The journal fields of a log message: its trailing `key=value` words (keys of lowercase
// letters, digits and '_'), mapped as log_to_journal() says, in message order.
std::vector<std::pair<std::string, std::string>> journal_fields(std::string_view message);

}  // namespace systemd
