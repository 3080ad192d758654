// agent/local_run.hpp: run one Job to its end in this process, without an agent (daemonless
// `batchlet run`).
//
// Contract: the Job has been decoded, defaulted, prepared, validated and passed
// check_runnable(). Pods run one at a time on the host; their output goes to `output`; human
// progress lines ("pod/pi-x7k2q started") go to `progress`. Returns the finished Job (Complete or
// Failed). When `cancel_fd` becomes readable the running pod is stopped (SIGTERM, its grace
// period, SIGKILL) and the call returns an "interrupted" Error; no process it started survives.
#pragma once

#include <functional>
#include <string_view>

#include "api/job.hpp"
#include "base/clock.hpp"
#include "base/result.hpp"
#include "runtime/supervise.hpp"

namespace agent {

using ProgressFn = std::function<void(std::string_view line)>;

base::Result<api::Job> run_job_locally(api::Job job, const base::Clock& clock,
                                       runtime::OutputSink& output, const ProgressFn& progress,
                                       int cancel_fd);

// "Completed", "Error" or "StartError": the kubelet's reason for a terminated container.
std::string_view terminated_reason(int exit_code, bool start_error);

}  // namespace agent
