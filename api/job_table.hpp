// api/job_table.hpp: the server-side Table printing of Jobs, what `kubectl get jobs` shows (spec
// §8).
//
// Contract: mirrors upstream pkg/printers/internalversion (jobColumnDefinitions, printJob) as of
// Kubernetes 1.34+. The API server always prints the wide columns (priority 1) and kubectl hides
// them unless asked for -o wide, so every row has all eight cells. Every cell is a string, as
// upstream's are. STATUS is the first of Complete, Failed, Terminating, Suspended, FailureTarget,
// SuccessCriteriaMet that applies, else Running; since 1.34 (kubernetes#132832) a job whose only
// terminal-ish condition is SuccessCriteriaMet shows "SuccessCriteriaMet", 1.30-1.33 showed
// "Running". A condition counts when the FIRST condition of its type has status True, as
// upstream's hasJobCondition looks no further. Nothing here throws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/job.hpp"
#include "api/table.hpp"
#include "base/clock.hpp"

namespace api {

// NAME, STATUS, COMPLETIONS, DURATION, AGE, CONTAINERS, IMAGES, SELECTOR, with upstream's types,
// formats, descriptions and priorities.
const std::vector<TableColumn>& job_columns();

// The STATUS cell (spec §8; Terminating means metadata.deletionTimestamp is set).
std::string job_status(const Job& job);

// format_label_selector (the SELECTOR column) is in api/label_selector.hpp.

// The row's cells, in job_columns() order.
std::vector<std::string> job_row(const Job& job, base::TimePoint now);

// A meta.k8s.io/v1 Table of `jobs` (null pointers skipped), as the API server answers
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` with the default includeObject=Metadata:
// each row's "object" is a PartialObjectMetadata carrying the Job's whole metadata
// (api/pod_encode.hpp encode_metadata). The caller adds the list's metadata.resourceVersion.
nlohmann::json job_table(const std::vector<const Job*>& jobs, base::TimePoint now);

}  // namespace api
