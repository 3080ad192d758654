// bench/protobuf_body_bench.cpp: how fast a protobuf request body (kubectl 1.32's
// `create job --from=cronjob`, tests/api/testdata/protobuf) becomes the JSON object the Job
// pipeline takes, against two baselines measured in the same run: the bare protobuf parse of the
// same bytes (what reflection to JSON adds) and nlohmann's parse of the JSON body kubectl 1.30
// sends for the same command (what a JSON client costs).
//
// Prints bodies per second and the ratios. Run a release build:
// build/release/bench/protobuf_body_bench [seconds]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api/proto/batch_v1.pb.h"
#include "api/proto/runtime.pb.h"
#include "api/protobuf_body.hpp"
#include "base/file.hpp"
#include "bench/call_rate.hpp"

static double rate_of(double seconds, const std::function<bool()>& body) {
  return bench::call_rate("protobuf_body_bench", seconds, body);
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::string dir = BATCHLET_SOURCE_DIR "/tests/api/testdata/protobuf/";
  auto pb = base::read_file(dir + "create_job_from_cronjob.pb");
  auto js = base::read_file(dir + "kubectl-1.30/create_job_from_cronjob.request.json");
  if (!pb || !js) {
    std::fprintf(stderr, "protobuf_body_bench: %s\n",
                 (!pb ? pb.error() : js.error()).message().c_str());
    return 1;
  }
  const std::string body = *pb;
  const std::string json_body = *js;

  const double decode = rate_of(seconds, [&] { return api::decode_protobuf_body(body).ok(); });
  const double bare = rate_of(seconds, [&] {
    k8s::io::apimachinery::pkg::runtime::Unknown unknown;
    k8s::io::api::batch::v1::Job job;
    return unknown.ParseFromArray(body.data() + 4, static_cast<int>(body.size() - 4)) &&
           job.ParseFromString(unknown.raw());
  });
  const double json = rate_of(
      seconds, [&] { return nlohmann::json::parse(json_body, nullptr, false).is_object(); });
  std::printf("body: %zu bytes protobuf, %zu bytes JSON\n", body.size(), json_body.size());
  std::printf("decode_protobuf_body   %10.0f bodies/s\n", decode);
  std::printf("bare protobuf parse    %10.0f bodies/s  (decode is %.2fx slower)\n", bare,
              bare / decode);
  std::printf("nlohmann JSON parse    %10.0f bodies/s  (decode is %.2fx its speed)\n", json,
              decode / json);
  return 0;
}
