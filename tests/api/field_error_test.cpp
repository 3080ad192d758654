#include "api/field_error.hpp"

#include <catch2/catch.hpp>

using namespace api;

TEST_CASE("field errors print like the API server's", "[unit]") {
  CHECK(required("spec.selector").to_string() == "spec.selector: Required value");
  CHECK(required("spec.completions", "when completion mode is Indexed").to_string() ==
        "spec.completions: Required value: when completion mode is Indexed");
  CHECK(invalid("spec.parallelism", render(-1), "must be greater than or equal to 0").to_string() ==
        "spec.parallelism: Invalid value: -1: must be greater than or equal to 0");
  CHECK(invalid("spec.podFailurePolicy.rules[0]", std::nullopt,
                "specifying one of OnExitCodes and OnPodConditions is required")
            .to_string() ==
        "spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and "
        "OnPodConditions is required");
  CHECK(not_supported("spec.podReplacementPolicy", "X", {"Failed", "TerminatingOrFailed"})
            .to_string() ==
        "spec.podReplacementPolicy: Unsupported value: \"X\": supported values: \"Failed\", "
        "\"TerminatingOrFailed\"");
  CHECK(duplicate("spec.template.spec.containers[1].name", quote("a")).to_string() ==
        "spec.template.spec.containers[1].name: Duplicate value: \"a\"");
  CHECK(forbidden("spec.x", "no").to_string() == "spec.x: Forbidden: no");
}

TEST_CASE("quote escapes like Go's %q for common characters", "[unit]") {
  CHECK(quote("plain") == "\"plain\"");
  CHECK(quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quote("line\nnext\t") == "\"line\\nnext\\t\"");
  CHECK(quote(std::string("\x01", 1)) == "\"\\x01\"");
}

TEST_CASE("the aggregate 422 message brackets several errors", "[unit]") {
  const FieldErrors one{
      required("spec.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\"")};
  CHECK(invalid_message("Job.batch", "pi", one) ==
        "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid "
        "values: \"OnFailure\", \"Never\"");
  const FieldErrors two{required("a"), required("b")};
  CHECK(invalid_message("Job.batch", "pi", two) ==
        "Job.batch \"pi\" is invalid: [a: Required value, b: Required value]");
}
