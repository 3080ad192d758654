// api/openapi.hpp: the OpenAPI v3 documents kubectl reads before apply/create (validation) and
// for explain: /openapi/v3 (the index) and one document per group version.
//
// Contract:
// - The schemas are generated from the api types' wire definitions (api/proto/*.proto, through
//   the protobuf descriptors), so they name exactly the fields the API decodes: each message is
//   a schema `io.k8s.<package without k8s.io>.<Message>` (upstream's names), scalars map to
//   OpenAPI types, maps to additionalProperties, Time to date-time strings, Quantity to
//   string-or-number, json_inline members are merged into their parent. Top-level kinds carry
//   apiVersion, kind and x-kubernetes-group-version-kind.
// - Each group document has, for every served resource, the paths and operations of the verbs
//   discovery advertises, each tagged with x-kubernetes-group-version-kind; PATCH operations
//   list the four patch media types and a `fieldValidation` query parameter (what makes kubectl
//   leave validation to the server, ../shared/notes/kubectl-wire.md §3).
// - openapi_v3_response() answers /openapi/v3 and /openapi/v3/<api|apis/group>/<version> and
//   returns nullopt for other paths. The index links each document with a hash of its content.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace api {

struct OpenApiResponse {
  std::string content_type;
  std::string body;
};

std::optional<OpenApiResponse> openapi_v3_response(std::string_view path);

}  // namespace api
