// api/pod_log_source.hpp: where `GET pods/NAME/log` gets its bytes — declared here, implemented
// by the agent (agent/pod_log_files.hpp), which knows where the container logs are kept.
//
// Contract:
// - A request names one run of one container: `restart` is the restart count the run had (the
//   kubelet's log file N.log), chosen by the REST layer from the pod's status (current or
//   previous). Options are the kubelet's: tail_lines, since, limit_bytes, timestamps.
// - read() returns what the log holds now; a run that never wrote a log has an empty one.
// - follow() streams the log as it grows until `run_ended()` says the run is over and
//   everything written has been sent, or the client goes away (Stream::cancel).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_message.hpp"
#include "base/clock.hpp"
#include "base/result.hpp"

namespace api {

struct PodLogRequest {
  std::string name_space;
  std::string pod;
  std::string uid;
  std::string container;
  int restart = 0;
  std::optional<std::int64_t> tail_lines;
  std::optional<std::int64_t> limit_bytes;
  std::optional<base::TimePoint> since;
  bool timestamps = false;
  // follow() only; called from the streaming thread.
  std::function<bool()> run_ended;
};

class PodLogSource {
 public:
  virtual ~PodLogSource() = default;
  virtual base::Result<std::string> read(const PodLogRequest& request) = 0;
  virtual std::shared_ptr<http::Stream> follow(PodLogRequest request) = 0;
};

}  // namespace api
