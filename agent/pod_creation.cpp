#include "agent/pod_creation.hpp"

#include <algorithm>

#include "api/names.hpp"

namespace agent {

std::string pod_generate_name(std::string_view job_name, std::optional<std::int32_t> index) {
  // The API server appends kNameSuffixLength random characters to at most this many.
  constexpr std::size_t kMaxPrefix = api::kMaxGeneratedNameLength - api::kNameSuffixLength;
  std::string prefix(job_name);
  if (!index) {
    prefix += '-';
    return prefix;
  }
  std::string suffix = "-";
  suffix += std::to_string(*index);
  suffix += '-';
  if (prefix.size() + suffix.size() > kMaxPrefix) {
    prefix.resize(kMaxPrefix > suffix.size() ? kMaxPrefix - suffix.size() : 0);
  }
  prefix += suffix;
  return prefix;
}

PodCreation pod_creation_for(const api::Job& job, std::optional<std::int32_t> index) {
  const api::ObjectMeta& tmpl = job.spec.template_.metadata;
  PodCreation pod;
  pod.generate_name = pod_generate_name(job.metadata.name, index);
  pod.labels = tmpl.labels;
  pod.annotations = tmpl.annotations;
  // The template's finalizers, then the tracking one (upstream
  // appendJobCompletionFinalizerIfNotFound: not twice).
  pod.finalizers = tmpl.finalizers;
  if (std::find(pod.finalizers.begin(), pod.finalizers.end(), kJobTrackingFinalizer) ==
      pod.finalizers.end()) {
    pod.finalizers.emplace_back(kJobTrackingFinalizer);
  }
  if (index) {
    const std::string value = std::to_string(*index);
    pod.completion_index = *index;
    pod.annotations[std::string(kJobCompletionIndexKey)] = value;
    pod.labels[std::string(kJobCompletionIndexKey)] = value;
    pod.hostname = job.metadata.name;
    pod.hostname += '-';
    pod.hostname += value;
    std::string path = "metadata.labels['";
    path += kJobCompletionIndexKey;
    path += "']";
    pod.env.push_back(FieldRefEnv{std::string(kJobCompletionIndexEnv), std::move(path)});
  }
  return pod;
}

}  // namespace agent
