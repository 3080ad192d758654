#include "api/job.hpp"

namespace api {

const JobCondition* JobStatus::true_condition(std::string_view type) const {
  for (const auto& c : conditions) {
    if (c.type == type && c.status == "True") return &c;
  }
  return nullptr;
}

bool JobStatus::finished() const {
  return true_condition(kConditionComplete) != nullptr ||
         true_condition(kConditionFailed) != nullptr;
}

}  // namespace api
