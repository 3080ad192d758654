// api/metrics.hpp: the metrics behind /metrics, rendered in the Prometheus text exposition
// format (version 0.0.4), the format the API server and the kubelet expose.
//
// Contract:
// - A Registry owns metric families, each with a name, help text, type and fixed label names;
//   samples are keyed by their label values (given in the order of the label names). Families
//   and their samples render sorted by name and label values, so output is deterministic.
// - Counters only go up; histograms have cumulative buckets with an implicit +Inf, _sum and
//   _count, as Prometheus defines them; gauges are set.
// - Collectors are callbacks run at render time for values that live elsewhere (jobs by
//   condition from the store, per-pod cgroup stats); a collector must not call the registry.
// - Every operation is thread-safe; hot paths (inc/observe) take one short lock.
// - Label values are escaped (\\, \", \n) as the format requires.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace api::metrics {

using LabelValues = std::vector<std::string>;

struct Sample {
  LabelValues labels;
  double value = 0;
};

enum class Type { counter, gauge, histogram };

class Family {
 public:
  Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
         std::vector<double> buckets = {});

  void inc(const LabelValues& labels, double by = 1);     // counter
  void set(const LabelValues& labels, double value);      // gauge
  void observe(const LabelValues& labels, double value);  // histogram

  const std::string& name() const { return name_; }
  void render(std::string& out) const;

 private:
  struct Series {
    double value = 0;                    // counter, gauge
    std::vector<std::uint64_t> buckets;  // histogram: count per bucket (not cumulative)
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::string name_;
  std::string help_;
  Type type_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<LabelValues, Series> series_;
};

class Registry {
 public:
  Family& counter(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names = {});
  Family& gauge(const std::string& name, const std::string& help,
                std::vector<std::string> label_names = {});
  Family& histogram(const std::string& name, const std::string& help,
                    std::vector<std::string> label_names, std::vector<double> buckets);
  void add_collector(const std::string& name, const std::string& help, Type type,
                     std::vector<std::string> label_names,
                     std::function<std::vector<Sample>()> collect);

  std::string render() const;

 private:
  struct Collector {
    std::string help;
    Type type;
    std::vector<std::string> label_names;
    std::function<std::vector<Sample>()> collect;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;
  std::map<std::string, Collector> collectors_;
};

// Latency buckets in seconds: 0.5 ms to 10 s, roughly doubling.
std::vector<double> latency_buckets();

// The Content-Type of the rendered text.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace api::metrics
