// Reservation calendars of all links (router outputs and inputs) of a packet-level network: which
// future cycles already carry a flit, so a packet can take the first gap long enough for its
// flits even between reservations made earlier for packets that arrive later.
//
// Each calendar is a sorted list of disjoint busy intervals [start, end) (touching intervals are
// merged). A packet costs O(log n + gaps skipped) per link whatever its length (a bit per cycle
// made a 32768-flit packet cost 512 word writes per link, and a window reaching far into the
// future cost one bit per cycle for every calendar), and the memory is bounded by the
// reservations still ahead of the present. Answers are the same, cycle for cycle, as the bit
// calendars this replaced: cycles before the current 64-cycle-aligned horizon are forgotten
// (as the bit window slid a word at a time).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace star {

class LinkCalendars {
 public:
  explicit LinkCalendars(size_t count = 0);

  size_t size() const { return calendars_.size(); }
  // Forgets the cycles before `now` (rounded down to a multiple of 64); `now` never decreases,
  // and every other call asks only about cycles at or after the latest `now`.
  void advance(uint64_t now) { horizon_ = std::max(horizon_, now & ~uint64_t(63)); }
  // First cycle >= `earliest` starting `length` free cycles of calendar `c`, without reserving.
  // Used to find a gap free in two calendars at once (an output and the input it comes from).
  uint64_t find_gap(size_t c, uint64_t earliest, uint64_t length);
  // Marks [start, start + length) busy (it must be free).
  void mark(size_t c, uint64_t start, uint64_t length) { insert(calendars_[c], start, start + length); }
  // Reserves `length` consecutive cycles at the first gap at or after `earliest`; returns its start.
  uint64_t reserve(size_t c, uint64_t earliest, uint64_t length) {
    const uint64_t start = find_gap(c, earliest, length);
    mark(c, start, length);
    return start;
  }
  // Reserves the first `length` cycles at or after `earliest` free in both calendars `a` and `b`
  // (a router output and the switch input the packet comes from).
  uint64_t reserve_pair(size_t a, size_t b, uint64_t earliest, uint64_t length);
  // First free cycle at or after `earliest` (adaptive routing compares these).
  uint64_t first_free(size_t c, uint64_t earliest);
  // Marks [from, to) busy whether or not parts already are (a packet holding the link while
  // blocked further on). Cycles in it that were already reserved (by packets injected earlier
  // but passing later) are booked twice; so that the link never carries more than one flit per
  // cycle on average, as many free cycles after `to` are marked busy in their place (those
  // packets are pushed back). Returns that number.
  uint64_t hold(size_t c, uint64_t from, uint64_t to);
  // Busy intervals held by calendar `c` (memory use; tests).
  size_t intervals(size_t c) const { return calendars_[c].spans.size() - calendars_[c].head; }

 private:
  struct Span {
    uint64_t start, end;  // busy [start, end)
  };
  struct Calendar {
    std::vector<Span> spans;  // sorted, disjoint, not touching; [head, size) are live
    size_t head = 0;
  };
  // Drops the intervals that end at or before the horizon; returns the index of the first live
  // interval ending after `t` (spans.size() if none).
  size_t first_ending_after(Calendar& cal, uint64_t t);
  static void insert(Calendar& cal, uint64_t start, uint64_t end);

  std::vector<Calendar> calendars_;
  uint64_t horizon_ = 0;  // cycles before it are forgotten (a multiple of 64)
};

}  // namespace star
