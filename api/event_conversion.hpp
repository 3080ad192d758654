// api/event_conversion.hpp: a stored core/v1 Event as events.k8s.io/v1 serves it (upstream's
// conversion in k8s.io/kubernetes/pkg/apis/events/v1): involvedObject -> regarding, message ->
// note, reportingComponent -> reportingController, source/firstTimestamp/lastTimestamp/count ->
// deprecatedSource/deprecatedFirstTimestamp/deprecatedLastTimestamp/deprecatedCount; metadata,
// eventTime, series, action, reason, type, related and reportingInstance as they are.
#pragma once

#include <nlohmann/json.hpp>

namespace api {

nlohmann::ordered_json events_v1_from_core(const nlohmann::ordered_json& event);

}  // namespace api
