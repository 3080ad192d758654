// tests/api/index_intervals_test.cpp: api::IndexSet, its compressed text, and the controller's
// (lenient) and the API server's (strict) parsers of index interval strings, spec §4.7 / §3.2.
#include "api/index_intervals.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

using api::IndexInterval;
using api::IndexSet;
using api::parse_indexes_lenient;
using api::parse_indexes_strict;

namespace {

IndexSet set_of(std::vector<std::int32_t> indexes) { return IndexSet::from_indexes(indexes); }

std::vector<IndexInterval> ivs(std::vector<IndexInterval> list) { return list; }

// The strict parser's error text, or "ok".
std::string strict_error(std::string_view text, std::int32_t completions) {
  auto parsed = parse_indexes_strict(text, completions);
  if (parsed.ok()) return "ok";
  return parsed.error().message();
}

}  // namespace

TEST_CASE("to_string writes upstream's compressed syntax", "[unit]") {
  CHECK(set_of({}).to_string() == "");
  CHECK(set_of({0}).to_string() == "0");
  CHECK(set_of({0, 1}).to_string() == "0,1");
  CHECK(set_of({0, 1, 2}).to_string() == "0-2");
  CHECK(set_of({1, 3, 4, 5, 7}).to_string() == "1,3-5,7");
  CHECK(set_of({0, 2}).to_string() == "0,2");
  CHECK(set_of({7, 5, 3, 1, 4}).to_string() == "1,3-5,7");
  CHECK(set_of({4, 5, 9, 10, 11, 12, 20}).to_string() == "4,5,9-12,20");
  CHECK(set_of({2147483646, 2147483647}).to_string() == "2147483646,2147483647");
  CHECK(set_of({2147483645, 2147483646, 2147483647}).to_string() == "2147483645-2147483647");
}

TEST_CASE("IndexSet keeps sorted, merged intervals", "[unit]") {
  IndexSet s;
  CHECK(s.empty());
  CHECK(s.count() == 0);
  CHECK_FALSE(s.contains(0));

  s.add(5);
  s.add(3);
  s.add(7);
  CHECK(s.intervals() == ivs({{3, 3}, {5, 5}, {7, 7}}));
  s.add(4);  // bridges 3 and 5
  CHECK(s.intervals() == ivs({{3, 5}, {7, 7}}));
  s.add(6);  // bridges everything
  CHECK(s.intervals() == ivs({{3, 7}}));
  s.add(5);  // already there
  CHECK(s.intervals() == ivs({{3, 7}}));
  s.add(0);
  s.add(9);
  s.add(8);
  CHECK(s.intervals() == ivs({{0, 0}, {3, 9}}));
  CHECK(s.count() == 8);
  CHECK(s.contains(0));
  CHECK_FALSE(s.contains(1));
  CHECK_FALSE(s.contains(2));
  CHECK(s.contains(3));
  CHECK(s.contains(9));
  CHECK_FALSE(s.contains(10));
  CHECK_FALSE(s.contains(-1));

  s.add_range(12, 20);
  s.add_range(1, 2);  // touches 0 and 3-9
  CHECK(s.intervals() == ivs({{0, 9}, {12, 20}}));
  s.add_range(15, 11);  // empty range: nothing
  CHECK(s.intervals() == ivs({{0, 9}, {12, 20}}));
  s.add_range(8, 14);  // overlaps both
  CHECK(s.intervals() == ivs({{0, 20}}));
  CHECK(s.count() == 21);

  IndexSet edge;
  edge.add(2147483647);
  edge.add(2147483646);
  edge.add(-2147483647 - 1);
  CHECK(edge.intervals() == ivs({{-2147483647 - 1, -2147483647 - 1}, {2147483646, 2147483647}}));
  CHECK(edge.count() == 3);
  IndexSet full;
  full.add_range(-2147483647 - 1, 2147483647);
  CHECK(full.count() == 4294967296LL);
}

TEST_CASE("merge is the union of two sets", "[unit]") {
  IndexSet a = set_of({0, 1, 5, 9, 10});
  IndexSet b = set_of({2, 6, 7, 8, 20});
  a.merge(b);
  CHECK(a.to_string() == "0-2,5-10,20");
  a.merge(IndexSet{});
  CHECK(a.to_string() == "0-2,5-10,20");
  IndexSet empty;
  empty.merge(a);
  CHECK(empty == a);
  // upstream "new within prev": prev 2-7, new 0,3,5,9
  IndexSet prev = parse_indexes_lenient("2-7", 10);
  prev.merge(set_of({0, 3, 5, 9}));
  CHECK(prev.intervals() == ivs({{0, 0}, {2, 7}, {9, 9}}));
}

TEST_CASE("text round trips through both parsers", "[unit]") {
  for (std::string text : {"", "0", "0,1", "0-2", "1,3-5,7", "0,2", "4,5,9-12,20", "0-99999"}) {
    INFO(text);
    CHECK(parse_indexes_lenient(text, 100000).to_string() == text);
    auto strict = parse_indexes_strict(text, 100000);
    REQUIRE(strict.ok());
    CHECK(strict->to_string() == text);
  }
  // Non-canonical but valid spellings come back canonical.
  CHECK(parse_indexes_strict("0-1", 10)->to_string() == "0,1");
  CHECK(parse_indexes_strict("0,1,2", 10)->to_string() == "0-2");
  CHECK(parse_indexes_strict("0-2,3", 10)->to_string() == "0-3");
  CHECK(parse_indexes_strict("+1,02", 10)->to_string() == "1,2");

  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    IndexSet s;
    for (int i = 0; i < 30; ++i) {
      if (rng() % 2) s.add(static_cast<std::int32_t>(rng() % 60));
    }
    const std::string text = s.to_string();
    INFO(text);
    CHECK(parse_indexes_lenient(text, 60) == s);
    auto strict = parse_indexes_strict(text, 60);
    REQUIRE(strict.ok());
    CHECK(*strict == s);
    CHECK(strict->count() == s.count());
  }
}

TEST_CASE("lenient parse clips, merges and skips like the controller", "[unit]") {
  // Clipping to completions-1 and dropping what starts at or past completions (elastic scale down).
  CHECK(parse_indexes_lenient("0-9", 5).to_string() == "0-4");
  CHECK(parse_indexes_lenient("1,3-7,9", 5).to_string() == "1,3,4");
  CHECK(parse_indexes_lenient("1,3-7,9", 4).to_string() == "1,3");
  CHECK(parse_indexes_lenient("5,6", 5).to_string() == "");
  CHECK(parse_indexes_lenient("0-2", 0).to_string() == "");
  CHECK(parse_indexes_lenient("0-2", -1).to_string() == "");
  CHECK(parse_indexes_lenient("0-99999999999", 3).to_string() == "0-2");  // Go int is 64 bits
  // Adjacent items merge.
  CHECK(parse_indexes_lenient("0,1,2,3", 10).intervals() == ivs({{0, 3}}));
  CHECK(parse_indexes_lenient("0-2,3-5", 10).intervals() == ivs({{0, 5}}));
  CHECK(parse_indexes_lenient("0,1", 10).intervals() == ivs({{0, 1}}));
  // Overlapping and unsorted (only a corrupt status has them) still give a canonical set.
  CHECK(parse_indexes_lenient("0-5,3-8", 10).intervals() == ivs({{0, 8}}));
  CHECK(parse_indexes_lenient("7,1,4", 10).to_string() == "1,4,7");
  CHECK(parse_indexes_lenient("1,1,1", 10).to_string() == "1");
  // "3-3" is accepted here (one index); an interval ending below its start adds nothing.
  CHECK(parse_indexes_lenient("3-3", 10).to_string() == "3");
  CHECK(parse_indexes_lenient("5-2,8", 10).to_string() == "8");
  // Unparseable fragments are skipped: upstream's "corrupted interval" case.
  CHECK(parse_indexes_lenient("0,1-foo,bar", 4).intervals() == ivs({{0, 0}}));
  CHECK(parse_indexes_lenient("a,2,,3, 4,5 ,-6,7-", 10).to_string() == "2,3");
  CHECK(parse_indexes_lenient("+1,+2-+4", 10).to_string() == "1-4");
  CHECK(parse_indexes_lenient("0x1,1_0,1e2,4", 10).to_string() == "4");
  CHECK(parse_indexes_lenient("99999999999999999999,2", 10).to_string() == "2");  // overflow: skip
  // Parts after the second are ignored.
  CHECK(parse_indexes_lenient("1-2-3", 10).to_string() == "1,2");
  // The first fragment starting at or past completions ends the parse, as upstream's break does.
  CHECK(parse_indexes_lenient("1,6,2", 5).to_string() == "1");
  CHECK(parse_indexes_lenient("", 5).to_string() == "");
  CHECK(parse_indexes_lenient(",", 5).to_string() == "");
}

TEST_CASE("strict parse accepts what upstream validation accepts", "[unit]") {
  auto empty = parse_indexes_strict("", 0);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  auto s = parse_indexes_strict("1,3-5,7", 8);
  REQUIRE(s.ok());
  CHECK(s->intervals() == ivs({{1, 1}, {3, 5}, {7, 7}}));
  CHECK(s->count() == 5);
  CHECK(strict_error("0,1", 2) == "ok");
  CHECK(strict_error("0-1", 2) == "ok");
  CHECK(strict_error("1,2", 3) == "ok");  // adjacent items need not be merged
  CHECK(strict_error("0-2,3-4", 5) == "ok");
  CHECK(strict_error("+3", 4) == "ok");  // Go's Atoi takes a '+' sign
  CHECK(strict_error("007", 8) == "ok");
  CHECK(strict_error("0000000000000000000000000000001", 8) == "ok");
}

TEST_CASE("strict parse errors are upstream's, byte for byte", "[unit]") {
  // The four messages of spec §3.2.
  CHECK(strict_error("a", 5) == "cannot convert string to integer for index: \"a\"");
  CHECK(strict_error("7", 5) == "too large index: \"7\"");
  CHECK(strict_error("3,2", 5) == "non-increasing order, previous: 3, current: 2");
  CHECK(strict_error("1-2-3", 5) ==
        "the fragment \"1-2-3\" violates the requirement that an index interval can have at most "
        "two parts separated by '-'");
  // upstream's succeededIndexes test: "invalid-format"
  CHECK(strict_error("invalid-format", 5) ==
        "cannot convert string to integer for index: "
        "\"invalid\"");

  // Conversion failures name the part that failed, Go-quoted.
  CHECK(strict_error("1-b", 5) == "cannot convert string to integer for index: \"b\"");
  CHECK(strict_error("1,", 5) == "cannot convert string to integer for index: \"\"");
  CHECK(strict_error(",1", 5) == "cannot convert string to integer for index: \"\"");
  CHECK(strict_error("1,,2", 5) == "cannot convert string to integer for index: \"\"");
  CHECK(strict_error("-1", 5) == "cannot convert string to integer for index: \"\"");
  CHECK(strict_error("1-", 5) == "cannot convert string to integer for index: \"\"");
  CHECK(strict_error(" 1", 5) == "cannot convert string to integer for index: \" 1\"");
  CHECK(strict_error("1 ", 5) == "cannot convert string to integer for index: \"1 \"");
  CHECK(strict_error("+", 5) == "cannot convert string to integer for index: \"+\"");
  CHECK(strict_error("++1", 5) == "cannot convert string to integer for index: \"++1\"");
  CHECK(strict_error("0x1", 5) == "cannot convert string to integer for index: \"0x1\"");
  CHECK(strict_error("1_0", 50) == "cannot convert string to integer for index: \"1_0\"");
  CHECK(strict_error("1.0", 5) == "cannot convert string to integer for index: \"1.0\"");
  CHECK(strict_error("9223372036854775808", 5) ==
        "cannot convert string to integer for index: \"9223372036854775808\"");
  CHECK(strict_error("9223372036854775807", 5) == "too large index: \"9223372036854775807\"");
  CHECK(strict_error("a\"b\\c", 5) ==
        "cannot convert string to integer for index: \"a\\\"b\\\\c\"");
  CHECK(strict_error("\t\n\r\a\b\f\v", 5) ==
        "cannot convert string to integer for index: \"\\t\\n\\r\\a\\b\\f\\v\"");
  CHECK(strict_error(std::string("x\0y\x1b\x7f", 5), 5) ==
        "cannot convert string to integer for index: \"x\\x00y\\x1b\\x7f\"");
  CHECK(strict_error("\xff\xc3", 5) ==
        "cannot convert string to integer for index: \"\\xff\\xc3\"");
  CHECK(strict_error("\xc3\xa9t\xc3\xa9", 5) ==
        "cannot convert string to integer for index: \"\xc3\xa9t\xc3\xa9\"");  // été kept
  CHECK(strict_error("\xc2\xa0"
                     "1",
                     5) ==
        "cannot convert string to integer for index: \"\\u00a01\"");  // no-break space
  CHECK(strict_error("\xef\xbb\xbf"
                     "1",
                     5) ==
        "cannot convert string to integer for index: \"\\ufeff1\"");  // byte order mark
  CHECK(strict_error("\xf3\xa0\x80\x81", 5) ==
        "cannot convert string to integer for index: \"\\U000e0001\"");
  CHECK(strict_error("\xed\xa0\x80", 5) ==  // a UTF-16 surrogate is not UTF-8
        "cannot convert string to integer for index: \"\\xed\\xa0\\x80\"");

  // Too large: the text as written, checked against completions before the next part is read.
  CHECK(strict_error("5", 5) == "too large index: \"5\"");
  CHECK(strict_error("0", 0) == "too large index: \"0\"");
  CHECK(strict_error("+07", 5) == "too large index: \"+07\"");
  CHECK(strict_error("2-5", 5) == "too large index: \"5\"");
  CHECK(strict_error("6-x", 5) == "too large index: \"6\"");
  CHECK(strict_error("0,1,99999999999", 5) == "too large index: \"99999999999\"");

  // Order: within an item (so "3-3" and "4-2" fail) and across items (so "1,1" fails).
  CHECK(strict_error("3-3", 5) == "non-increasing order, previous: 3, current: 3");
  CHECK(strict_error("4-2", 5) == "non-increasing order, previous: 4, current: 2");
  CHECK(strict_error("+3-03", 5) == "non-increasing order, previous: 3, current: 3");
  CHECK(strict_error("1,1", 5) == "non-increasing order, previous: 1, current: 1");
  CHECK(strict_error("0-2,2", 5) == "non-increasing order, previous: 2, current: 2");
  CHECK(strict_error("0-3,1-2", 5) == "non-increasing order, previous: 3, current: 1");

  // The '-' count is checked before anything else in the fragment; the first bad fragment wins.
  CHECK(strict_error("a-b-c", 5) ==
        "the fragment \"a-b-c\" violates the requirement that an index interval can have at most "
        "two parts separated by '-'");
  CHECK(strict_error("--1", 5) ==
        "the fragment \"--1\" violates the requirement that an index interval can have at most "
        "two parts separated by '-'");
  CHECK(strict_error("0,x,1-2-3", 5) == "cannot convert string to integer for index: \"x\"");
  CHECK(strict_error("0,1-2-3,x", 5) ==
        "the fragment \"1-2-3\" violates the requirement that an index interval can have at most "
        "two parts separated by '-'");
}

TEST_CASE("large sets stay fast", "[unit]") {
  const auto start = std::chrono::steady_clock::now();

  IndexSet all;
  for (std::int32_t i = 0; i < 100000; ++i) all.add(i);
  CHECK(all.intervals() == ivs({{0, 99999}}));
  CHECK(all.count() == 100000);
  CHECK(all.to_string() == "0-99999");

  IndexSet even;
  for (std::int32_t i = 0; i < 200000; i += 2) even.add(i);
  CHECK(even.count() == 100000);
  CHECK(even.intervals().size() == 100000);
  const std::string text = even.to_string();
  CHECK(text.substr(0, 12) == "0,2,4,6,8,10");
  CHECK(parse_indexes_lenient(text, 200000) == even);
  auto strict = parse_indexes_strict(text, 200000);
  REQUIRE(strict.ok());
  CHECK(*strict == even);
  CHECK(parse_indexes_lenient(text, 100000).count() == 50000);
  CHECK(strict_error(text, 100000) == "too large index: \"100000\"");
  int wrong = 0;
  for (std::int32_t i = 0; i < 200000; ++i) wrong += even.contains(i) != (i % 2 == 0);
  CHECK(wrong == 0);

  std::vector<std::int32_t> shuffled(100000);
  for (std::int32_t i = 0; i < 100000; ++i) shuffled[static_cast<std::size_t>(i)] = i * 3 % 100003;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  IndexSet from_shuffled = IndexSet::from_indexes(shuffled);
  CHECK(from_shuffled.count() == 100000);

  // Filling the gaps of `even`, then merging, ends in one interval.
  IndexSet odd;
  for (std::int32_t i = 1; i < 200000; i += 2) odd.add(i);
  CHECK(odd.count() == 100000);
  odd.merge(even);
  CHECK(odd.intervals() == ivs({{0, 199999}}));

  // Out-of-order adds cost O(intervals) each; 10000 of them in descending order stay cheap.
  IndexSet descending;
  for (std::int32_t i = 19999; i > 0; i -= 2) descending.add(i);
  CHECK(descending.count() == 10000);
  CHECK(descending.intervals().front() == IndexInterval{1, 1});

  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(20));  // generous: sanitizer builds are slow
}

TEST_CASE("hostile input is handled without crashing", "[unit]") {
  std::mt19937 rng(1234);
  const std::string alphabets[] = {",0123456789", ",-0123456789", ",-+0123456789 a\xff", "-", ","};
  for (const std::string& alphabet : alphabets) {
    for (int round = 0; round < 5; ++round) {
      std::string text(65536, ' ');
      for (char& c : text) c = alphabet[rng() % alphabet.size()];
      INFO(alphabet);
      const IndexSet lenient = parse_indexes_lenient(text, 100000);
      CHECK(lenient.count() <= 100000);
      for (const IndexInterval& iv : lenient.intervals()) {
        CHECK(iv.first >= 0);
        CHECK(iv.last < 100000);
      }
      auto strict = parse_indexes_strict(text, 100000);
      if (strict.ok()) {
        CHECK(parse_indexes_lenient(text, 100000) == *strict);
      } else {
        CHECK_FALSE(strict.error().message().empty());
      }
      (void)parse_indexes_lenient(text, 2147483647);
      (void)parse_indexes_strict(text, 2147483647);
    }
  }

  // Descending single indexes: every fragment lands before the previous one.
  std::string descending;
  for (int i = 9999; i >= 0; i -= 2) {
    if (!descending.empty()) descending += ',';
    descending += std::to_string(i);
  }
  CHECK(parse_indexes_lenient(descending, 10000).count() == 5000);
  CHECK(strict_error(descending, 10000) == "non-increasing order, previous: 9999, current: 9997");

  const std::string digits(65536, '9');
  CHECK(parse_indexes_lenient(digits, 5).empty());
  std::string expected = "cannot convert string to integer for index: \"";
  expected += digits;
  expected += '"';
  CHECK(strict_error(digits, 5) == expected);

  const std::string dashes(65536, '-');
  CHECK(parse_indexes_lenient(dashes, 5).empty());
  CHECK(strict_error(dashes, 5).substr(0, 14) == "the fragment \"");
}
