// api/request_metrics.hpp: the API's own Prometheus metrics — every request counted and timed
// by verb, resource and code (upstream's apiserver_request_total and
// apiserver_request_duration_seconds), and gauges of the stored Jobs by STATUS (the kubectl
// column) and Pods by phase, computed at scrape time from the store.
//
// Contract: instrument() wraps a handler; a streamed response (watch, logs -f) is timed until
// its headers are ready, as upstream times long-running requests separately. Non-resource
// paths count with resource "" and the verb in lower case ("get"). Collectors read the store
// at each scrape and report nothing when the store cannot be read.
#pragma once

#include "api/http_message.hpp"
#include "api/metrics.hpp"
#include "api/object_store.hpp"

namespace api {

http::Handler instrument(metrics::Registry& registry, http::Handler inner);
void add_object_collectors(metrics::Registry& registry, ObjectStore& store);

}  // namespace api
