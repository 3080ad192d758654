#include "api/job_table.hpp"

#include <string_view>

#include "api/human_duration.hpp"
#include "api/pod_encode.hpp"

namespace api {

namespace {

using nlohmann::json;

// Upstream's hasJobCondition: the first condition of `type` decides, later duplicates are never
// looked at (JobStatus::true_condition would find a later True one).
bool has_condition(const JobStatus& status, std::string_view type) {
  for (const auto& c : status.conditions) {
    if (c.type == type) return c.status == "True";
  }
  return false;
}

std::string completions_cell(const Job& job) {
  std::string out = std::to_string(job.status.succeeded);
  out += '/';
  if (job.spec.completions) {
    out += std::to_string(*job.spec.completions);
    return out;
  }
  // A work queue (completions unset) is done after one success, whatever the parallelism.
  out += '1';
  const std::int32_t parallelism = job.spec.parallelism.value_or(0);
  if (parallelism > 1) {
    out += " of ";
    out += std::to_string(parallelism);
  }
  return out;
}

std::string duration_cell(const JobStatus& status, base::TimePoint now) {
  if (!status.start_time) return "";
  // Without completionTime the clock keeps running, even for a Failed job (spec §8).
  const base::TimePoint end = status.completion_time.value_or(now);
  return human_duration(end - *status.start_time);
}

// upstream layoutContainerCells: names and images, each joined with ",".
void container_cells(const std::vector<Container>& containers, std::string& names,
                     std::string& images) {
  for (std::size_t i = 0; i < containers.size(); ++i) {
    if (i != 0) {
      names += ',';
      images += ',';
    }
    names += containers[i].name;
    images += containers[i].image;
  }
}

}  // namespace

const std::vector<TableColumn>& job_columns() {
  // The descriptions upstream takes from the API types' swagger docs, copied as served.
  static const std::vector<TableColumn> columns = {
      {"Name", "string", "name",
       "Name must be unique within a namespace. Is required when creating resources, although "
       "some resources may allow a client to request the generation of an appropriate name "
       "automatically. Name is primarily intended for creation idempotence and configuration "
       "definition. Cannot be updated. More info: "
       "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
       0},
      {"Status", "string", "", "Status of the job.", 0},
      {"Completions", "string", "",
       "The number of pods which reached phase Succeeded. The value increases monotonically for "
       "a given spec. However, it may decrease in reaction to scale down of elastic indexed "
       "jobs.",
       0},
      {"Duration", "string", "", "Time required to complete the job.", 0},
      {"Age", "string", "",
       "CreationTimestamp is a timestamp representing the server time when this object was "
       "created. It is not guaranteed to be set in happens-before order across separate "
       "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
       "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
       "https://git.k8s.io/community/contributors/devel/sig-architecture/"
       "api-conventions.md#metadata",
       0},
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
      {"Selector", "string", "",
       "A label query over pods that should match the pod count. Normally, the system sets this "
       "field for you. More info: "
       "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
       "#label-selectors",
       1},
  };
  return columns;
}

std::string job_status(const Job& job) {
  const JobStatus& s = job.status;
  if (has_condition(s, kConditionComplete)) return "Complete";
  if (has_condition(s, kConditionFailed)) return "Failed";
  if (job.metadata.deletion_timestamp) return "Terminating";
  if (has_condition(s, kConditionSuspended)) return "Suspended";
  if (has_condition(s, kConditionFailureTarget)) return "FailureTarget";
  // Spec §8: a Job with only SuccessCriteriaMet shows Running (the 1.30-1.33 printer; 1.34+
  // prints "SuccessCriteriaMet" since kubernetes#132832; the spec decides which we follow).
  return "Running";
}

std::vector<std::string> job_row(const Job& job, base::TimePoint now) {
  std::string names;
  std::string images;
  container_cells(job.spec.template_.spec.containers, names, images);
  std::vector<std::string> cells;
  cells.reserve(job_columns().size());
  cells.push_back(job.metadata.name);
  cells.push_back(job_status(job));
  cells.push_back(completions_cell(job));
  cells.push_back(duration_cell(job.status, now));
  cells.push_back(timestamp_since(job.metadata.creation_timestamp, now));
  cells.push_back(std::move(names));
  cells.push_back(std::move(images));
  cells.push_back(format_label_selector(job.spec.selector));
  return cells;
}

json job_table(const std::vector<const Job*>& jobs, base::TimePoint now) {
  std::vector<TableRow> rows;
  for (const Job* job : jobs) {
    if (job == nullptr) continue;
    TableRow row;
    for (auto& cell : job_row(*job, now)) row.cells.push_back(std::move(cell));
    row.metadata = json(encode_metadata(job->metadata));
    rows.push_back(std::move(row));
  }
  return make_table(job_columns(), std::move(rows));
}

}  // namespace api
