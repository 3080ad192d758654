#include "api/name_rules.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace api;

TEST_CASE("DNS-1123 subdomains", "[unit]") {
  CHECK(dns1123_subdomain_errors("pi").empty());
  CHECK(dns1123_subdomain_errors("my.job-1").empty());
  const auto errs = dns1123_subdomain_errors("My_Job");
  REQUIRE(errs.size() == 1);
  CHECK(
      errs[0] ==
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
      "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
      "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  CHECK(dns1123_subdomain_errors("a..b").size() == 1);
  CHECK(dns1123_subdomain_errors("-a").size() == 1);
  CHECK(dns1123_subdomain_errors("").size() == 1);
  const auto long_errs = dns1123_subdomain_errors(std::string(254, 'a'));
  REQUIRE(long_errs.size() == 1);
  CHECK(long_errs[0] == "must be no more than 253 characters");
}

TEST_CASE("DNS-1123 labels", "[unit]") {
  CHECK(dns1123_label_errors("c").empty());
  CHECK(dns1123_label_errors("a.b") == std::vector<std::string>{"must not contain dots"});
  CHECK(dns1123_label_errors(std::string(64, 'a')) ==
        std::vector<std::string>{"must be no more than 63 characters"});
  CHECK(dns1123_label_errors("A")[0].find("(e.g. 'my-name',  or '123-abc'") != std::string::npos);
}

TEST_CASE("label keys and values", "[unit]") {
  CHECK(qualified_name_errors("batch.kubernetes.io/job-name").empty());
  CHECK(qualified_name_errors("job-name").empty());
  CHECK(qualified_name_errors("a/b/c").size() == 1);
  CHECK(qualified_name_errors("/x") == std::vector<std::string>{"prefix part must be non-empty"});
  const auto empty_name = qualified_name_errors("x.io/");
  REQUIRE(empty_name.size() == 2);
  CHECK(empty_name[0] == "name part must be non-empty");
  CHECK(empty_name[1].rfind("name part must consist of alphanumeric characters", 0) == 0);
  CHECK(qualified_name_errors(std::string(64, 'k')) ==
        std::vector<std::string>{"name part must be no more than 63 characters"});
  CHECK(label_value_errors("").empty());
  CHECK(label_value_errors("My_value.1").empty());
  CHECK(label_value_errors("-x").size() == 1);
  CHECK(label_value_errors(std::string(64, 'v')) ==
        std::vector<std::string>{"must be no more than 63 characters"});
}

TEST_CASE("label maps report on the map's path", "[unit]") {
  FieldErrors out;
  validate_labels({{"ok", "fine"}, {"bad key!", "v"}}, "metadata.labels", out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].to_string().rfind("metadata.labels: Invalid value: \"bad key!\": name part must",
                                 0) == 0);
}
