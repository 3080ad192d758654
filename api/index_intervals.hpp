// api/index_intervals.hpp: sets of completion indexes and their interval strings, spec §4.7
// (status.completedIndexes, status.failedIndexes, spec.successPolicy.rules[].succeededIndexes).
//
// Contract:
// - IndexSet keeps its indexes as sorted, disjoint, non-adjacent intervals, so two sets with the
//   same indexes compare equal and print the same text.
// - to_string() writes upstream's compressed syntax (orderedIntervals.String): comma-separated
//   items; a run of three or more consecutive indexes is "first-last", a run of exactly two is
//   two items ("0,1"), the empty set is "".
// - parse_indexes_lenient() is what the controller does with a status string it reads back
//   (parseIndexesFromString): it never fails, skips what it cannot read, and keeps only indexes
//   below `completions`, so shrinking an elastic job shrinks its completed set.
// - parse_indexes_strict() is the API server's check (validateIndexesFormat): the first problem,
//   left to right, is returned with upstream's exact text, for the caller to wrap (e.g. into
//   "error parsing succeededIndexes: <text>").
// Everything is standard C++; nothing throws except std::bad_alloc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace api {

// A closed interval [first, last], first <= last.
struct IndexInterval {
  std::int32_t first;
  std::int32_t last;

  friend bool operator==(const IndexInterval&, const IndexInterval&) = default;
};

class IndexSet {
 public:
  IndexSet() = default;

  // Builds a set from indexes in any order, with duplicates; O(n log n).
  static IndexSet from_indexes(std::vector<std::int32_t> indexes);

  // Amortised O(1) when indexes arrive in increasing order (the controller adds sorted pod
  // indexes, as upstream withOrderedIndexes does); otherwise O(number of intervals).
  void add(std::int32_t index);
  // Adds every index of [first, last]; nothing when first > last. Same cost as add().
  void add_range(std::int32_t first, std::int32_t last);
  // Union with `other` in O(n + m), upstream orderedIntervals.merge.
  void merge(const IndexSet& other);

  bool contains(std::int32_t index) const;  // O(log intervals)
  std::int64_t count() const;               // number of indexes, not of intervals
  bool empty() const { return intervals_.empty(); }
  const std::vector<IndexInterval>& intervals() const { return intervals_; }
  std::string to_string() const;

  friend bool operator==(const IndexSet&, const IndexSet&) = default;

 private:
  friend IndexSet parse_indexes_lenient(std::string_view text, std::int32_t completions);

  // Sorts and coalesces arbitrary intervals (each first <= last) into the canonical form.
  static IndexSet normalized(std::vector<IndexInterval> intervals);

  std::vector<IndexInterval> intervals_;
};

// The controller's reading of a status string (upstream parseIndexesFromString), spec §4.7.
// Fragments are split at ',' and then at '-'; a fragment whose first part is not a Go integer
// (optional '+', decimal digits, fits 64 bits) or whose second part is not is skipped; parts
// after the second are ignored ("1-2-3" reads as 1-2); the first fragment starting at or above
// `completions` ends the parse (upstream breaks there, as a valid string is sorted); interval
// ends are clipped to completions-1. Where upstream would keep garbage (an interval whose end
// is below its start, unsorted or overlapping fragments) this keeps the union of the
// well-formed intervals instead, so the result is always a canonical set; for every string
// parse_indexes_strict accepts the result is the same as upstream's.
IndexSet parse_indexes_lenient(std::string_view text, std::int32_t completions);

// The API server's validation (upstream validateIndexesFormat / parseIndexInterval). Accepts ""
// (the empty set) and comma-separated items "a" or "a-b" with a < b, every index below
// `completions`, each item starting above the end of the previous one (adjacent items such as
// "1,2" are fine; "1,1", "3-3", "2-1" are not). Errors, first one wins:
//   the fragment "1-2-3" violates the requirement that an index interval can have at most two
//     parts separated by '-'
//   cannot convert string to integer for index: "a"     ("" for an empty part: "1,", "-1")
//   too large index: "7"                                (the text as written, e.g. "+07")
//   non-increasing order, previous: 3, current: 2       (also inside one item: "3-3")
// Quoted texts use Go's %q escaping.
base::Result<IndexSet> parse_indexes_strict(std::string_view text, std::int32_t completions);

}  // namespace api
