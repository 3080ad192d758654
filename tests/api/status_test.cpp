// tests/api/status_test.cpp: api::invalid_status / failure_status against the JSON the API
// server writes (metav1.Status from k8s.io/apimachinery pkg/api/errors NewInvalid), byte for byte.
#include "api/status.hpp"

#include <catch2/catch.hpp>
#include <string>

using api::FieldErrors;

TEST_CASE("invalid_status: one error, the docs' pi Job without restartPolicy", "[unit]") {
  const FieldErrors errors{
      api::required("spec.template.spec.restartPolicy", R"(valid values: "OnFailure", "Never")")};
  CHECK(
      api::invalid_status("batch", "Job", "pi", errors).dump() ==
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
      R"("message":"Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: )"
      R"(valid values: \"OnFailure\", \"Never\"","reason":"Invalid",)"
      R"("details":{"name":"pi","group":"batch","kind":"Job","causes":[{"reason":"FieldValueRequired",)"
      R"("message":"Required value: valid values: \"OnFailure\", \"Never\"",)"
      R"("field":"spec.template.spec.restartPolicy"}]},"code":422})");
}

TEST_CASE("invalid_status: several errors in order, one cause each", "[unit]") {
  const FieldErrors errors{
      api::invalid("spec.parallelism", "-1", "must be greater than or equal to 0"),
      api::not_supported("spec.completionMode", "X", {"NonIndexed", "Indexed"}),
  };
  CHECK(api::invalid_status("batch", "Job", "pi", errors).dump() ==
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
        R"("message":"Job.batch \"pi\" is invalid: [spec.parallelism: Invalid value: -1: must be )"
        R"(greater than or equal to 0, spec.completionMode: Unsupported value: \"X\": supported )"
        R"(values: \"NonIndexed\", \"Indexed\"]","reason":"Invalid",)"
        R"("details":{"name":"pi","group":"batch","kind":"Job","causes":[)"
        R"({"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or )"
        R"(equal to 0","field":"spec.parallelism"},)"
        R"({"reason":"FieldValueNotSupported","message":"Unsupported value: \"X\": supported )"
        R"(values: \"NonIndexed\", \"Indexed\"","field":"spec.completionMode"}]},"code":422})");
}

TEST_CASE("invalid_status: repeated error text is shown once in the message, kept in causes",
          "[unit]") {
  // A 64-character job name breaks both generated job-name labels with the same text.
  const std::string name(64, 'a');
  const std::string detail = "must be no more than 63 characters";
  const FieldErrors errors{
      api::invalid("spec.template.labels", api::quote(name), detail),
      api::invalid("spec.template.labels", api::quote(name), detail),
  };
  const auto status = api::invalid_status("batch", "Job", name, errors);
  CHECK(status["message"] == "Job.batch \"" + name + "\" is invalid: spec.template.labels: " +
                                 "Invalid value: \"" + name + "\": " + detail);
  CHECK(status["details"]["causes"].size() == 2);

  // Three errors, two of them equal: still the bracketed list, without the repeat.
  FieldErrors three = errors;
  three.push_back(api::required("spec.selector"));
  CHECK(api::invalid_status("batch", "Job", name, three)["message"] ==
        "Job.batch \"" + name + "\" is invalid: [spec.template.labels: Invalid value: \"" + name +
            "\": " + detail + ", spec.selector: Required value]");
}

TEST_CASE("invalid_status: empty parts are left out as Go's omitempty does", "[unit]") {
  SECTION("no errors: the message has no colon and there are no causes") {
    CHECK(api::invalid_status("batch", "Job", "pi", {}).dump() ==
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
          R"("message":"Job.batch \"pi\" is invalid","reason":"Invalid",)"
          R"("details":{"name":"pi","group":"batch","kind":"Job"},"code":422})");
  }
  SECTION("no name, core group") {
    CHECK(api::invalid_status("", "Pod", "",
                              {api::required("metadata.name",
                                             "name or "
                                             "generateName is "
                                             "required")})
              .dump() ==
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
          R"("message":"Pod \"\" is invalid: metadata.name: Required value: name or generateName )"
          R"(is required","reason":"Invalid","details":{"kind":"Pod","causes":[)"
          R"({"reason":"FieldValueRequired","message":"Required value: name or generateName is )"
          R"(required","field":"metadata.name"}]},"code":422})");
  }
}

TEST_CASE("invalid_status: cause reasons and bodies per error type", "[unit]") {
  struct Case {
    api::FieldError error;
    std::string reason;
    std::string body;
  };
  const std::vector<Case> cases{
      {api::required("spec.selector"), "FieldValueRequired", "Required value"},
      {api::invalid("spec.podFailurePolicy.rules[0]", std::nullopt,
                    "specifying one of OnExitCodes and OnPodConditions is required"),
       "FieldValueInvalid",
       "Invalid value: specifying one of OnExitCodes and OnPodConditions is required"},
      {api::not_supported("spec.podReplacementPolicy", "X", {"Failed", "TerminatingOrFailed"}),
       "FieldValueNotSupported",
       R"(Unsupported value: "X": supported values: "Failed", )"
       R"("TerminatingOrFailed")"},
      {api::forbidden("spec.template.spec.volumes", "not supported"), "FieldValueForbidden",
       "Forbidden: not supported"},
      {{api::ErrorType::too_long, "spec.managedBy", std::nullopt, "may not be more than 63 bytes"},
       "FieldValueTooLong",
       "Too long: may not be more than 63 bytes"},
      {{api::ErrorType::too_many, "spec.podFailurePolicy.rules", "21",
        "must have at most 20 items"},
       "FieldValueTooMany",
       "Too many: 21: must have at most 20 items"},
      {api::duplicate("spec.podFailurePolicy.rules[0].onExitCodes.values[1]", "11"),
       "FieldValueDuplicate", "Duplicate value: 11"},
  };
  for (const Case& c : cases) {
    INFO(c.error.to_string());
    CHECK(api::cause_type(c.error.type) == c.reason);
    CHECK(c.error.body() == c.body);
    const auto status = api::invalid_status("batch", "Job", "pi", {c.error});
    const auto& cause = status["details"]["causes"].at(0);
    CHECK(cause["reason"] == c.reason);
    CHECK(cause["message"] == c.body);
    CHECK(cause["field"] == c.error.field);
  }
}

TEST_CASE("invalid_status: an error on the object itself has no field", "[unit]") {
  const api::FieldError root = api::invalid("", "array", "must be an object");
  CHECK(root.body() == "Invalid value: array: must be an object");
  CHECK(api::invalid_status("batch", "Job", "", {root})["details"].dump() ==
        R"({"group":"batch","kind":"Job","causes":[{"reason":"FieldValueInvalid",)"
        R"("message":"Invalid value: array: must be an object"}]})");
}

TEST_CASE("failure_status: other errors, e.g. NotFound", "[unit]") {
  CHECK(api::failure_status(404, "NotFound", R"(jobs.batch "pi" not found)").dump() ==
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
        R"("message":"jobs.batch \"pi\" not found","reason":"NotFound","code":404})");
  // StatusReasonUnknown is "" and omitted.
  CHECK(api::failure_status(500, "", "boom").dump() ==
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
        R"("message":"boom","code":500})");
}

TEST_CASE("encode_status: Go's encoding/json escaping", "[unit]") {
  const auto status = api::failure_status(400, "BadRequest",
                                          "a<b>c&d\xE2\x80\xA8"
                                          "e\xE2\x80\xA9\tf\x01");
  CHECK(api::encode_status(status) ==
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
        R"("message":"a\u003cb\u003ec\u0026d\u2028e\u2029\tf\u0001","reason":"BadRequest",)"
        R"("code":400})");
  // Other non-ASCII text stays as UTF-8, as Go writes it.
  CHECK(api::encode_status(api::failure_status(400, "", "\xC3\xA9")) ==
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        "\"message\":\"\xC3\xA9\",\"code\":400}");
  // Invalid UTF-8 does not throw.
  CHECK_NOTHROW(api::encode_status(api::failure_status(400, "", "\xFF")));
}
