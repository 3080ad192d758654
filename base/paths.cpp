#include "base/paths.hpp"

#include <string>

namespace base {

Paths::path Paths::container_log(std::string_view ns, std::string_view pod, std::string_view uid,
                                 std::string_view container, int restart_count) const {
  std::string pod_dir_name;
  pod_dir_name.append(ns).append("_").append(pod).append("_").append(uid);
  return logs_dir() / pod_dir_name / path(container) / (std::to_string(restart_count) + ".log");
}

}  // namespace base
