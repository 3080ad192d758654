#include "base/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace base {

Status init_logging(std::string_view level) {
  const std::string name(level);
  const auto parsed = spdlog::level::from_str(name);
  // from_str maps every unknown name to "off"; only the literal "off" may mean off.
  if (parsed == spdlog::level::off && name != "off") {
    return Error("unknown log level \"" + name +
                 "\": expected one of trace, debug, info, warn, error, off");
  }
  spdlog::drop("batchlet");  // a second call replaces the first setup
  auto logger = spdlog::stderr_color_mt("batchlet");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(parsed);
  spdlog::set_default_logger(std::move(logger));
  return {};
}

}  // namespace base
