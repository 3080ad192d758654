#include "api/request_metrics.hpp"

#include <cctype>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "api/job_table.hpp"
#include "api/request_info.hpp"
#include "api/stored_job.hpp"

namespace api {

namespace {

const std::vector<double> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5};

}  // namespace

http::Handler instrument(metrics::Registry& registry, http::Handler inner) {
  metrics::Family& total = registry.counter("apiserver_request_total",
                                            "Requests by verb, resource and HTTP response code.",
                                            {"verb", "resource", "code"});
  metrics::Family& duration = registry.histogram(
      "apiserver_request_duration_seconds",
      "Time to answer a request (streams: until their headers), by verb and resource.",
      {"verb", "resource"}, kLatencyBuckets);
  return [&total, &duration, inner = std::move(inner)](const http::Request& request) {
    const auto start = std::chrono::steady_clock::now();
    http::Response response = inner(request);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string verb;
    std::string resource;
    const RequestInfoResult parsed = parse_request_info(request.method, request.target);
    if (parsed.info && parsed.info->is_resource_request) {
      verb = parsed.info->verb;
      resource = parsed.info->resource;
      if (!parsed.info->subresource.empty()) resource += "/" + parsed.info->subresource;
    } else {
      for (char c : request.method)
        verb += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    total.inc({verb, resource, std::to_string(response.status)});
    duration.observe({verb, resource}, seconds);
    return response;
  };
}

void add_object_collectors(metrics::Registry& registry, ObjectStore& store) {
  registry.add_collector(
      "batchlet_jobs", "Jobs by the STATUS kubectl shows (Complete, Failed, Running, ...).",
      metrics::Type::gauge, {"status"}, [&store] {
        std::map<std::string, double> counts;
        if (auto listed = store.list("jobs.batch", std::nullopt); listed.ok()) {
          for (const StoredObject& object : listed->objects) {
            auto job = decode_stored_job(nlohmann::json::parse(object.json, nullptr, false));
            if (job.ok()) counts[job_status(*job)] += 1;
          }
        }
        std::vector<metrics::Sample> out;
        for (const auto& [status, n] : counts) out.push_back({{status}, n});
        return out;
      });
  registry.add_collector(
      "batchlet_pods", "Pods by phase.", metrics::Type::gauge, {"phase"}, [&store] {
        std::map<std::string, double> counts;
        if (auto listed = store.list("pods", std::nullopt); listed.ok()) {
          for (const StoredObject& object : listed->objects) {
            const auto pod = nlohmann::json::parse(object.json, nullptr, false);
            std::string phase = "Pending";
            if (pod.is_object() && pod.contains("status") && pod["status"].is_object()) {
              phase = pod["status"].value("phase", "Pending");
            }
            counts[phase] += 1;
          }
        }
        std::vector<metrics::Sample> out;
        for (const auto& [phase, n] : counts) out.push_back({{phase}, n});
        return out;
      });
}

}  // namespace api
