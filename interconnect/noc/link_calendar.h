// Reservation calendars of all links (router outputs and inputs) of a packet-level network: which
// future cycles already carry a flit. One bit per cycle per calendar, in a window of 64-bit words
// that slides with simulated time and grows when a reservation lies beyond it, so a packet can
// take the first gap long enough for its flits even between reservations made earlier for
// packets that arrive later.
//
// The words are stored time-major (all calendars' words for the same 64 cycles side by side):
// the packets in flight reserve cycles near the present, so the words they touch share a few
// cache lines instead of one line per calendar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace star {

class LinkCalendars {
 public:
  explicit LinkCalendars(size_t count = 0);

  size_t size() const { return count_; }
  // Forgets the cycles before `now`; `now` never decreases, and every other call asks only
  // about cycles at or after the latest `now`.
  void advance(uint64_t now) {
    if ((now >> 6) > base_word_) slide(now >> 6);
  }
  // First cycle >= `earliest` starting `length` free cycles of calendar `c`, without reserving.
  // Used to find a gap free in two calendars at once (an output and the input it comes from).
  uint64_t find_gap(size_t c, uint64_t earliest, uint32_t length) {
    const uint64_t w = earliest >> 6;
    const uint32_t bit = uint32_t(earliest & 63);
    if (w < base_word_ + window_ && length <= 64 - bit && !(word(c, w) & span_mask(bit, length)))
      return earliest;  // fast path: free and inside one word
    return find_gap_slow(c, earliest, length);
  }
  void mark(size_t c, uint64_t start, uint32_t length) {
    const uint64_t w = start >> 6;
    const uint32_t bit = uint32_t(start & 63);
    if (w < base_word_ + window_ && length <= 64 - bit) {
      word(c, w) |= span_mask(bit, length);
      return;
    }
    mark_slow(c, start, length);
  }
  // Reserves `length` consecutive cycles at the first gap at or after `earliest`; returns its start.
  uint64_t reserve(size_t c, uint64_t earliest, uint32_t length) {
    const uint64_t start = find_gap(c, earliest, length);
    mark(c, start, length);
    return start;
  }
  // Reserves the first `length` cycles at or after `earliest` free in both calendars `a` and `b`
  // (a router output and the switch input the packet comes from).
  uint64_t reserve_pair(size_t a, size_t b, uint64_t earliest, uint32_t length) {
    const uint64_t w = earliest >> 6;
    const uint32_t bit = uint32_t(earliest & 63);
    if (w < base_word_ + window_ && length <= 64 - bit) {  // fast path: one word, both free
      const uint64_t mask = span_mask(bit, length);
      uint64_t &wa = word(a, w), &wb = word(b, w);
      if (!((wa | wb) & mask)) {
        wa |= mask;
        wb |= mask;
        return earliest;
      }
      if (length == 1) {  // a single flit: the next cycle free in both, if in this word
        const uint64_t free = ~(wa | wb) & (~uint64_t(0) << bit);
        if (free) {
          const uint64_t first = free & (~free + 1);
          wa |= first;
          wb |= first;
          return (w << 6) + uint64_t(__builtin_ctzll(free));
        }
      }
    }
    uint64_t start = earliest;
    while (true) {
      start = find_gap(a, start, length);
      const uint64_t in_b = find_gap(b, start, length);
      if (in_b == start) break;
      start = in_b;
    }
    mark(a, start, length);
    mark(b, start, length);
    return start;
  }
  // First free cycle at or after `earliest` (adaptive routing compares these).
  uint64_t first_free(size_t c, uint64_t earliest);
  // Marks [from, to) busy whether or not parts already are (a packet holding the link while
  // blocked further on). Cycles in it that were already reserved (by packets injected earlier
  // but passing later) are booked twice; so that the link never carries more than one flit per
  // cycle on average, as many free cycles after `to` are marked busy in their place (those
  // packets are pushed back). Returns that number.
  uint64_t hold(size_t c, uint64_t from, uint64_t to);

 private:
  static constexpr size_t kInitialWindow = 16;  // words: 1024 cycles
  static uint64_t span_mask(uint32_t bit, uint32_t length) {
    return (length == 64 ? ~uint64_t(0) : ((uint64_t(1) << length) - 1)) << bit;
  }
  uint64_t& word(size_t c, uint64_t w) { return words_[size_t(w & (window_ - 1)) * count_ + c]; }
  void slide(uint64_t now_word);
  void ensure(uint64_t w);  // grow the window so that absolute word `w` is inside it
  uint64_t find_gap_slow(size_t c, uint64_t earliest, uint32_t length);
  void mark_slow(size_t c, uint64_t start, uint32_t length);
  uint64_t find_free_bit(size_t c, uint64_t from);
  // First reserved cycle in [from, to), or `to` when all are free.
  uint64_t find_busy_bit(size_t c, uint64_t from, uint64_t to);

  size_t count_;
  size_t window_ = kInitialWindow;  // words per calendar, a power of two
  uint64_t base_word_ = 0;          // absolute index (cycle / 64) of the oldest word held
  std::vector<uint64_t> words_;     // [(word % window) * count + calendar]
};

}  // namespace star
