// api/rest_api.hpp: the batch/v1 and core/v1 resource endpoints — what the API server's
// registries and handlers do for jobs (+status), pods (+status, log, eviction), events and
// namespaces, on top of the ObjectStore and the WatchHub.
//
// Contract:
// - handle() answers every resource request (/api/v1/..., /apis/batch/v1/...) and returns
//   std::nullopt for anything else (the caller serves /version, discovery, /openapi, health).
// - Every failure is a meta/v1 Status with the API server's code, reason and message; nothing a
//   client sends can make it throw or corrupt the store.
// - Verbs per resource are exactly what api/discovery.cpp advertises; others are 405.
// - Lists are consistent snapshots; `continue` tokens resume after the last key returned (the
//   list after it is read fresh, not at the first page's resourceVersion).
// - Reads answer in JSON (also to protobuf Accept headers) or as a meta.k8s.io Table when
//   Accept asks for one; watches stream one JSON event per chunk.
// - Thread-safe: the HTTP server calls handle() from several threads.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "api/field_error.hpp"
#include "api/http_message.hpp"
#include "api/job.hpp"
#include "api/object_store.hpp"
#include "api/pod_log_source.hpp"
#include "api/watch_hub.hpp"
#include "base/clock.hpp"

namespace api {

// What the node cannot honour in an otherwise valid Job (agent/node_admission.hpp), as field
// errors: a create, or an update that changes spec.template, is then refused with 422, like an
// admission plugin's verdict.
using JobAdmission = std::function<FieldErrors(const Job&)>;

// A quota a new Job would exceed, as ResourceQuota admission words it ("exceeded quota: <name>,
// requested: ..., used: ..., limited: ..."): the create is then 403 Forbidden. nullopt: fits.
using JobQuota = std::function<std::optional<std::string>(const Job&)>;

class RestApi {
 public:
  RestApi(ObjectStore& store, WatchHub& hub, PodLogSource& logs, const base::Clock& clock,
          JobAdmission admission = {});
  ~RestApi();
  RestApi(const RestApi&) = delete;
  RestApi& operator=(const RestApi&) = delete;

  std::optional<http::Response> handle(const http::Request& request);
  // Checked on every Job create, after validation and admission.
  void set_job_quota(JobQuota quota);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace api
