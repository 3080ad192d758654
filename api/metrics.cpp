#include "api/metrics.hpp"

#include <charconv>
#include <cmath>

namespace api::metrics {
namespace {

const char* type_name(Type type) {
  switch (type) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      return "histogram";
  }
  return "untyped";
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "0";
  return std::string(buf, end);
}

void escape_into(std::string& out, const std::string& value, bool quote_too) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_too) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void header(std::string& out, const std::string& name, const std::string& help, Type type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  escape_into(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type_name(type);
  out += '\n';
}

void sample_line(std::string& out, const std::string& name,
                 const std::vector<std::string>& label_names, const LabelValues& values,
                 const std::string& extra_label, const std::string& extra_value, double value) {
  out += name;
  const bool any = !label_names.empty() || !extra_label.empty();
  if (any) out += '{';
  bool first = true;
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += label_names[i];
    out += "=\"";
    escape_into(out, i < values.size() ? values[i] : std::string(), true);
    out += '"';
  }
  if (!extra_label.empty()) {
    if (!first) out += ',';
    out += extra_label;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  if (any) out += '}';
  out += ' ';
  out += format_value(value);
  out += '\n';
}

}  // namespace

Family::Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
               std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      bounds_(std::move(buckets)) {}

void Family::inc(const LabelValues& labels, double by) {
  std::lock_guard lock(mutex_);
  series_[labels].value += by;
}

void Family::set(const LabelValues& labels, double value) {
  std::lock_guard lock(mutex_);
  series_[labels].value = value;
}

void Family::observe(const LabelValues& labels, double value) {
  std::lock_guard lock(mutex_);
  Series& s = series_[labels];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size(), 0);
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++s.buckets[i];
      break;
    }
  }
  ++s.count;
  s.sum += value;
}

void Family::render(std::string& out) const {
  header(out, name_, help_, type_);
  std::lock_guard lock(mutex_);
  for (const auto& [labels, s] : series_) {
    if (type_ != Type::histogram) {
      sample_line(out, name_, label_names_, labels, "", "", s.value);
      continue;
    }
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += i < s.buckets.size() ? s.buckets[i] : 0;
      sample_line(out, name_ + "_bucket", label_names_, labels, "le", format_value(bounds_[i]),
                  static_cast<double>(cumulative));
    }
    sample_line(out, name_ + "_bucket", label_names_, labels, "le", "+Inf",
                static_cast<double>(s.count));
    sample_line(out, name_ + "_sum", label_names_, labels, "", "", s.sum);
    sample_line(out, name_ + "_count", label_names_, labels, "", "", static_cast<double>(s.count));
  }
}

Family& Registry::counter(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  auto& slot = families_[name];
  if (!slot) slot = std::make_unique<Family>(name, help, Type::counter, std::move(label_names));
  return *slot;
}

Family& Registry::gauge(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  auto& slot = families_[name];
  if (!slot) slot = std::make_unique<Family>(name, help, Type::gauge, std::move(label_names));
  return *slot;
}

Family& Registry::histogram(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names, std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  auto& slot = families_[name];
  if (!slot) {
    slot = std::make_unique<Family>(name, help, Type::histogram, std::move(label_names),
                                    std::move(buckets));
  }
  return *slot;
}

void Registry::add_collector(const std::string& name, const std::string& help, Type type,
                             std::vector<std::string> label_names,
                             std::function<std::vector<Sample>()> collect) {
  std::lock_guard lock(mutex_);
  collectors_[name] = Collector{help, type, std::move(label_names), std::move(collect)};
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  auto family = families_.begin();
  auto collector = collectors_.begin();
  while (family != families_.end() || collector != collectors_.end()) {
    const bool take_family = collector == collectors_.end() ||
                             (family != families_.end() && family->first < collector->first);
    if (take_family) {
      family->second->render(out);
      ++family;
      continue;
    }
    const auto& [name, c] = *collector;
    header(out, name, c.help, c.type);
    auto samples = c.collect();
    std::sort(samples.begin(), samples.end(),
              [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
    for (const Sample& s : samples)
      sample_line(out, name, c.label_names, s.labels, "", "", s.value);
    ++collector;
  }
  return out;
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace api::metrics
