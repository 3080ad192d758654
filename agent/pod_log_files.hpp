// agent/pod_log_files.hpp: the API's PodLogSource over the container log files the pod workers
// write (base::Paths::container_log, CRI format), read with runtime/log_reader.hpp.
//
// Contract: as api/pod_log_source.hpp. A run that has no log file (it never started) reads as
// empty. follow() streams from a thread of its own, which ends when the run has ended and its
// log is drained, or when the client goes away (cancel() joins it, so the writer is never used
// after cancel() returns). run_ended() is asked at most every 100 ms: it reads the store.
#pragma once

#include "api/pod_log_source.hpp"
#include "base/paths.hpp"

namespace agent {

class PodLogFiles final : public api::PodLogSource {
 public:
  explicit PodLogFiles(base::Paths paths) : paths_(std::move(paths)) {}

  base::Result<std::string> read(const api::PodLogRequest& request) override;
  std::shared_ptr<api::http::Stream> follow(api::PodLogRequest request) override;

 private:
  base::Paths paths_;
};

}  // namespace agent
