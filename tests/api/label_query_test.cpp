// Label selector strings of list/watch requests, against upstream's labels.Parse behaviour.
#include "api/label_query.hpp"

#include <catch2/catch.hpp>

namespace {
api::LabelQuery parsed(std::string_view text) {
  auto result = api::parse_label_query(text);
  INFO(text << " -> " << result.error);
  REQUIRE(result.error.empty());
  return result.query;
}
}  // namespace

TEST_CASE("selector strings parse to upstream's canonical form", "[unit]") {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"x=a", "x=a"},
      {"x==a", "x==a"},
      {"x!=a", "x!=a"},
      {"y,x", "x,y"},
      {"!x", "!x"},
      {"x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"},
      {"x in (in),y notin (notin)", "x in (in),y notin (notin)"},
      {"  a = b ,\tc\nin ( d , e )", "a=b,c in (d,e)"},
      {"x=", "x="},
      {"x>1,y<2", "x>1,y<2"},
      {"batch.kubernetes.io/controller-uid=0b0a5f4e-1e0c-4b36-8b39-2a0f8d3a6c55",
       "batch.kubernetes.io/controller-uid=0b0a5f4e-1e0c-4b36-8b39-2a0f8d3a6c55"},
      {"x in (a,)", "x in (,a)"},
  };
  for (const auto& [text, canonical] : cases) {
    INFO(text);
    CHECK(parsed(text).to_string() == canonical);
  }
}

TEST_CASE("selectors match labels like upstream's Requirement.Matches", "[unit]") {
  const api::Labels labels = {{"job-name", "pi"}, {"tier", "batch"}, {"n", "7"}};
  CHECK(parsed("").matches(labels));
  CHECK(parsed("job-name=pi").matches(labels));
  CHECK(parsed("job-name==pi,tier").matches(labels));
  CHECK_FALSE(parsed("job-name=other").matches(labels));
  CHECK(parsed("job-name!=other").matches(labels));
  CHECK(parsed("missing!=x").matches(labels));
  CHECK(parsed("tier in (web,batch)").matches(labels));
  CHECK_FALSE(parsed("tier notin (web,batch)").matches(labels));
  CHECK(parsed("missing notin (a)").matches(labels));
  CHECK_FALSE(parsed("missing in (a)").matches(labels));
  CHECK(parsed("!missing").matches(labels));
  CHECK_FALSE(parsed("!tier").matches(labels));
  CHECK(parsed("n>6,n<8").matches(labels));
  CHECK_FALSE(parsed("n>7").matches(labels));
  CHECK_FALSE(parsed("tier>1").matches(labels));  // not an integer label: no match
}

TEST_CASE("invalid selectors get upstream's messages", "[unit]") {
  const std::pair<const char*, const char*> cases[] = {
      {"a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},
      {"a=b c", "found 'c', expected: ',' or 'end of string'"},
      {"y<-2",
       "unable to parse requirement: values[0][y]: Invalid value: \"-2\": a valid label must be "
       "an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
       "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
       "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
      {"a,", "found '', expected: identifier after ','"},
      {",a", "found ',', expected: !, identifier, or 'end of string'"},
      {"!a=b", "found '=', expected: ',' or 'end of string'"},
      {"a in b", "unable to parse requirement: found 'b' expected: '('"},
      {"a in (b", "unable to parse requirement: found '', expected: ',' or ')'"},
      {"a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"},
      {"a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"},
      {"a=(", "unable to parse requirement: found '(', expected: identifier"},
      {"a notin", "unable to parse requirement: found '' expected: '('"},
      {"=a", "found '=', expected: !, identifier, or 'end of string'"},
      {"a@b=c",
       "unable to parse requirement: <nil>: Invalid value: \"a@b\": name part must consist of "
       "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
       "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
       "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
      {"a=b@",
       "unable to parse requirement: values[0][a]: Invalid value: \"b@\": a valid label must be "
       "an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
       "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
       "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
      {"a>b",
       "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' "
       "operators, the value must be an integer"},
  };
  for (const auto& [text, message] : cases) {
    INFO(text);
    auto result = api::parse_label_query(text);
    CHECK(result.error == message);
    CHECK(result.query.empty());
  }
}
