// tests/runtime/test_sinks.hpp: an OutputSink that records what a process wrote.
#pragma once

#include <string>

#include "runtime/supervise.hpp"

struct RecordingSink final : runtime::OutputSink {
  std::string out;
  std::string err;
  void write(runtime::Stream stream, std::string_view data) override {
    (stream == runtime::Stream::out ? out : err).append(data);
  }
};
