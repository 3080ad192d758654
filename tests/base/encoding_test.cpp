// tests/base/encoding_test.cpp: base64 as Go's StdEncoding, percent-encoding of query values.
#include "base/encoding.hpp"

#include <catch2/catch.hpp>

TEST_CASE("base64 decodes as Go's StdEncoding does", "[unit]") {
  CHECK(base::base64_decode("Zm9vYmFy") == std::optional<std::string>("foobar"));
  CHECK(base::base64_decode("Zm9v\nYg==") == std::optional<std::string>("foob"));
  CHECK_FALSE(base::base64_decode("Zm9vY"));
  CHECK_FALSE(base::base64_decode("Zm9v!A=="));
  const std::string binary("any\0bytes\xff", 10);
  CHECK(base::base64_decode(base::base64_encode(binary)) == std::optional<std::string>(binary));
}

TEST_CASE("base64_encode pads as the standard says", "[unit]") {
  CHECK(base::base64_encode("") == "");
  CHECK(base::base64_encode("f") == "Zg==");
  CHECK(base::base64_encode("fo") == "Zm8=");
  CHECK(base::base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("percent_encode keeps unreserved characters only", "[unit]") {
  CHECK(base::percent_encode("a=b,c!=d e") == "a%3Db%2Cc%21%3Dd%20e");
  CHECK(base::percent_encode("batch.kubernetes.io/job-name=pi") ==
        "batch.kubernetes.io%2Fjob-name%3Dpi");
  CHECK(base::percent_encode("A-Z_a~z.09") == "A-Z_a~z.09");
}
