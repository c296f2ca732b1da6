// Reservation calendars of all links (router outputs and inputs) of a packet-level network: which
// future cycles already carry a flit, so a packet can take the first gap long enough for its
// flits even between reservations made earlier for packets that arrive later.
//
// A cycle is busy when either of two records of its calendar says so:
//  - bits: a fixed window of kWindowWords 64-cycle words (one bit per cycle) that slides with
//    simulated time, for the short reservations (at most 64 cycles) that lie inside it. The words
//    are stored time-major (all calendars' words for the same 64 cycles side by side): the packets
//    in flight reserve cycles near the present, so the words they touch share a few cache lines,
//    and a short packet costs one word test and OR per calendar.
//  - intervals: a sorted list of disjoint busy intervals [start, end) (touching ones merged) for
//    the long reservations and those beyond the window (the 1M-token runs queue packets of
//    thousands of flits seconds ahead): O(log n) each whatever their length.
// Memory is calendars x window + the intervals still ahead of the present, never a window that
// grows with the furthest reservation. One bound for all calendars says how far ahead any bits
// lie: sliding clears only the window's words (of every calendar) below it, and the slow paths
// scan no further (long packets alone set no bits, so their calendars are never scanned); the
// fast paths keep no per-calendar record beyond the word itself. Intervals behind the present are
// dropped when their calendar is next used. Answers are the same, cycle
// for cycle, as one bit per cycle: cycles before the current 64-cycle-aligned horizon are
// forgotten.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace star {

class LinkCalendars {
 public:
  static constexpr uint64_t kWindowWords = 32;  // a power of two
  static constexpr uint64_t kWindowCycles = kWindowWords * 64;

  explicit LinkCalendars(size_t count = 0);

  size_t size() const { return count_; }
  // Forgets the cycles before `now` (rounded down to a multiple of 64); `now` never decreases,
  // and every other call asks only about cycles at or after the latest `now`.
  // The window slides lazily, at the next use (many advances may come between two packets).
  void advance(uint64_t now) {
    if ((now >> 6) > now_word_) now_word_ = now >> 6;
  }
  // First cycle >= `earliest` starting `length` free cycles of calendar `c`, without reserving.
  // Used to find a gap free in two calendars at once (an output and the input it comes from).
  uint64_t find_gap(size_t c, uint64_t earliest, uint64_t length) {
    sync();
    const uint64_t w = earliest >> 6;
    const uint64_t bit = earliest & 63;
    if (in_window(w) && length - 1 < 64 - bit && !(word(c, w) & span_mask(bit, length)) &&
        earliest + length <= far_front(c))
      return earliest;  // fast path: free and inside one word of the window, before any interval
    return find_gap_slow(c, earliest, length);
  }
  // Marks [start, start + length) busy (it must be free).
  void mark(size_t c, uint64_t start, uint64_t length) {
    sync();
    const uint64_t w = start >> 6;
    const uint64_t bit = start & 63;
    if (in_window(w) && length - 1 < 64 - bit) {
      set_bits(c, w, span_mask(bit, length));
      return;
    }
    mark_slow(c, start, start + length);
  }
  // Reserves `length` consecutive cycles at the first gap at or after `earliest`; returns its start.
  uint64_t reserve(size_t c, uint64_t earliest, uint64_t length) {
    const uint64_t start = find_gap(c, earliest, length);
    mark(c, start, length);
    return start;
  }
  // Reserves the first `length` cycles at or after `earliest` free in both calendars `a` and `b`
  // (a router output and the switch input the packet comes from).
  uint64_t reserve_pair(size_t a, size_t b, uint64_t earliest, uint64_t length) {
    sync();
    const uint64_t w = earliest >> 6;
    const uint64_t bit = earliest & 63;
    if (in_window(w) && length - 1 < 64 - bit) {  // fast path: one word of the window, no interval
      const uint64_t front = std::min(far_front(a), far_front(b));
      const uint64_t wa = word(a, w), wb = word(b, w);
      const uint64_t mask = span_mask(bit, length);
      if (!((wa | wb) & mask) && earliest + length <= front) {
        set_pair_bits(a, b, w, mask);
        return earliest;
      }
      if (length == 1) {  // a single flit: the next cycle free in both, if in this word
        const uint64_t free = ~(wa | wb) & (~uint64_t(0) << bit);
        const uint64_t at = (w << 6) + uint64_t(__builtin_ctzll(free | (uint64_t(1) << 63)));
        if (free && at < front) {
          set_pair_bits(a, b, w, free & (~free + 1));
          return at;
        }
      }
    }
    return reserve_pair_slow(a, b, earliest, length);
  }
  // Marks busy the first `count` free cycles of calendar `c` in [from, to) (fewer if fewer are
  // free); one word operation when the range lies in one word of the window before any interval.
  void mark_free(size_t c, uint64_t from, uint64_t to, uint32_t count) {
    sync();
    const uint64_t w = from >> 6;
    if (in_window(w) && ((to - 1) >> 6) == w && to <= far_front(c)) {
      uint64_t free = ~word(c, w) & span_mask(from & 63, to - from), take = 0;
      for (; free && count > 0; --count, free &= free - 1) take |= free & (~free + 1);
      if (take) set_bits(c, w, take);
      return;
    }
    for (; count > 0; --count) {
      const uint64_t idle = find_gap_slow(c, from, 1);
      if (idle >= to) return;
      mark(c, idle, 1);
      from = idle + 1;
    }
  }
  // The hops of a 1-flit packet (the packet model's injection with several VCs): reserve_pair's
  // and mark_free's bit paths for a loop that keeps where the window lies in registers.
  // The window cannot slide meanwhile (nothing advances time while a packet is injected), so it
  // is synced once; calls on the calendars themselves stay valid in between.
  class FlitPass {
   public:
    explicit FlitPass(LinkCalendars& cal)
        : cal_((cal.sync(), cal)), words_(cal.words_.data()), row_bytes_(cal.count_ * sizeof(uint64_t)), end_word_(cal.base_word_ + kWindowWords),
          bits_end_(cal.bits_end_) {}
    // No calendar holds an interval (none do unless reservations were long or far): the bits
    // alone say which cycles are free, which reserve_pair_if_free and reserve_pair_first require.
    bool bits_only() const { return cal_.live_spans_ == 0; }
    // Reserves cycle `at` in both calendars if it is free in both and in the window (what
    // reserve_pair(a, b, at, 1) would return); false and nothing reserved otherwise.
    bool reserve_pair_if_free(size_t a, size_t b, uint64_t at) {
      const uint64_t w = at >> 6;
      if (w >= end_word_) return false;
      uint64_t* row = row_of(w);
      const uint64_t bit = uint64_t(1) << (at & 63);
      if ((row[a] | row[b]) & bit) return false;
      row[a] |= bit;
      row[b] |= bit;
      // This copy of the bound never exceeds the calendars' (which only grows meanwhile), so only
      // a word at or past it can raise theirs (an unreserved cycle may leave it too high: the
      // slow paths then scan empty words, with the same answers).
      if (w >= bits_end_) bits_end_ = cal_.bits_end_ = std::max(cal_.bits_end_, w + 1);
      return true;
    }
    // One hop of a 1-flit packet while bits_only() holds: reserve_pair(a, b, at, 1), then
    // mark_free(b, at, grant, lost) (the arbitrations input `b` loses while the head waits; at
    // most 4). When the grant lies in `at`'s word, as it mostly does, both are one pass over
    // that word's two calendars with no branch on how long the head waits or how many cycles
    // it loses (random near saturation); otherwise reserve_pair_first and mark_free_before.
    // False and nothing done when reserve_pair_first refuses.
    bool take_hop(size_t a, size_t b, uint64_t at, uint32_t lost, uint64_t& grant) {
      if (!take_hop_unbounded(a, b, at, lost, grant)) return false;
      raise_bound(grant);
      return true;
    }
    // take_hop without raising the calendars' bound of words holding bits: the caller raises it
    // (raise_bound) with its last grant before any other call on the calendars or the pass, so a
    // loop of hops whose grants only grow keeps no bound in a register.
    bool take_hop_unbounded(size_t a, size_t b, uint64_t at, uint32_t lost, uint64_t& grant) {
      const uint64_t w = at >> 6;
      if (w >= end_word_) return false;
      uint64_t* row = row_of(w);
      const uint64_t wa = row[a], wb = row[b];
      const uint64_t from = ~uint64_t(0) << (at & 63);
      const uint64_t free = ~(wa | wb) & from;
      if (__builtin_expect(free == 0, 0)) {
        if (!reserve_pair_first(a, b, at, grant)) return false;
        mark_free_before(b, at, grant, lost);
        return true;
      }
      const uint64_t bit = free & (~free + 1);
      // The input's free cycles before the grant, and the first `lost` of them (lost <= 4): the
      // set without its lowest 0..4 bits, one picked by `lost` (no branch).
      const uint64_t idle = ~wb & (bit - 1) & from;
      uint64_t rest[5];
      rest[0] = idle;
      for (uint32_t i = 1; i < 5; ++i) rest[i] = rest[i - 1] & (rest[i - 1] - 1);
      const uint64_t take = idle ^ rest[lost];
      row[a] = wa | bit;
      row[b] = wb | bit | take;
      grant = (w << 6) + uint64_t(__builtin_ctzll(free));
      return true;
    }
    // Cycles up to `last` may hold bits (a grant of take_hop_unbounded's).
    void raise_bound(uint64_t last) {
      const uint64_t w = last >> 6;
      if (w >= bits_end_) bits_end_ = cal_.bits_end_ = std::max(cal_.bits_end_, w + 1);
    }
    // The waiting hops, while bits_only() holds (the caller tests it; nothing here adds an
    // interval): reserve_pair(a, b, at, 1) as a scan of the words from `at` on (near saturation
    // a head often waits past its word's end, which took reserve_pair's slow path) and sets
    // `grant`; false and nothing reserved when no cycle before the window's end is free in both
    // (reserve_pair would then add an interval).
    bool reserve_pair_first(size_t a, size_t b, uint64_t at, uint64_t& grant) {
      uint64_t w = at >> 6;
      if (w >= end_word_) return false;
      uint64_t* row = row_of(w);
      uint64_t free = ~(row[a] | row[b]) & (~uint64_t(0) << (at & 63));
      while (!free) {  // words from the bound on are empty: the scan ends there at the latest
        if (++w >= end_word_) return false;
        row = row_of(w);
        free = ~(row[a] | row[b]);
      }
      const uint64_t bit = free & (~free + 1);
      row[a] |= bit;
      row[b] |= bit;
      if (w >= bits_end_) bits_end_ = cal_.bits_end_ = std::max(cal_.bits_end_, w + 1);
      grant = (w << 6) + uint64_t(__builtin_ctzll(free));
      return true;
    }
    // mark_free(c, from, to, count) for [from, to) before a grant reserve_pair_first just made
    // (inside the window, below the bound: no bound to raise), word by word.
    void mark_free_before(size_t c, uint64_t from, uint64_t to, uint32_t count) {
      const uint64_t last = (to - 1) >> 6;
      for (uint64_t w = from >> 6; w <= last && count > 0; ++w) {
        const uint64_t lo = w == from >> 6 ? from & 63 : 0, hi = w == last ? ((to - 1) & 63) + 1 : 64;
        uint64_t& word = row_of(w)[c];
        uint64_t free = ~word & span_mask(lo, hi - lo), take = 0;
        for (; free && count > 0; --count, free &= free - 1) take |= free & (~free + 1);
        word |= take;
      }
    }

   private:
    // The calendars' words for the 64 cycles of word w: by a byte offset (an index scaled by
    // count_ made the compiler version the hop loops on count_ == 1, and mispredict their exits
    // more often).
    uint64_t* row_of(uint64_t w) const {
      return reinterpret_cast<uint64_t*>(reinterpret_cast<char*>(words_) + size_t(w & (kWindowWords - 1)) * row_bytes_);
    }
    LinkCalendars& cal_;
    uint64_t* const words_;
    const size_t row_bytes_;  // count_ words
    // The first word after the window (the words asked about are never before it: `advance`).
    const uint64_t end_word_;
    uint64_t bits_end_;
  };
  // First free cycle at or after `earliest` (adaptive routing compares these).
  uint64_t first_free(size_t c, uint64_t earliest) {
    sync();
    return find_free(c, earliest);
  }
  // Marks [from, to) busy whether or not parts already are (a packet holding the link while
  // blocked further on). Cycles in it that were already reserved (by packets injected earlier
  // but passing later) are booked twice; so that the link never carries more than one flit per
  // cycle on average, as many free cycles after `to` are marked busy in their place (those
  // packets are pushed back). Returns that number.
  uint64_t hold(size_t c, uint64_t from, uint64_t to);
  // Busy intervals calendar `c` holds (long or far reservations; memory use, tests). Those behind
  // the present go when the calendar is next used.
  size_t intervals(size_t c) const { return far_[c].spans.size() - far_[c].head; }

 private:
  struct Span {
    uint64_t start, end;  // busy [start, end)
  };
  struct Far {                // the long or far reservations of one calendar
    std::vector<Span> spans;  // sorted, disjoint, not touching; [head, size) are live
    size_t head = 0;
  };

  // Bits [bit, bit + length) of a word, for 1 <= length <= 64 - bit (no branch on a full word;
  // the fast paths test `length - 1 < 64 - bit`, which leaves length 0 to the slow paths).
  static uint64_t span_mask(uint64_t bit, uint64_t length) { return (~uint64_t(0) >> (64 - length)) << bit; }
  void sync() {
    if (now_word_ != base_word_) slide(now_word_);
  }
  bool in_window(uint64_t w) const { return w - base_word_ < kWindowWords; }  // w >= base too
  uint64_t window_begin() const { return base_word_ << 6; }
  uint64_t window_end() const { return (base_word_ + kWindowWords) << 6; }
  uint64_t& word(size_t c, uint64_t w) { return words_[size_t(w & (kWindowWords - 1)) * count_ + c]; }
  void set_bits(size_t c, uint64_t w, uint64_t mask) {
    word(c, w) |= mask;
    bits_end_ = std::max(bits_end_, w + 1);
  }
  void set_pair_bits(size_t a, size_t b, uint64_t w, uint64_t mask) {
    word(a, w) |= mask;
    word(b, w) |= mask;
    bits_end_ = std::max(bits_end_, w + 1);
  }
  // Start of the first interval of calendar `c` (possibly one already behind the present).
  uint64_t far_front(size_t c) const { return front_[c]; }

  void slide(uint64_t now_word);
  uint64_t find_gap_slow(size_t c, uint64_t earliest, uint64_t length);
  void mark_slow(size_t c, uint64_t start, uint64_t end);
  uint64_t reserve_pair_slow(size_t a, size_t b, uint64_t earliest, uint64_t length);
  void mark_bits(size_t c, uint64_t start, uint64_t end);  // inside the window
  uint64_t count_bits(size_t c, uint64_t start, uint64_t end);  // busy bits in [start, end)
  // First cycle >= `from` (and inside the window) whose bit is clear; the window's end if none.
  uint64_t free_bit(size_t c, uint64_t from);
  // First cycle in [from, to) whose bit is set, or `to`.
  uint64_t busy_bit(size_t c, uint64_t from, uint64_t to);
  uint64_t find_free(size_t c, uint64_t from);
  // First reserved cycle in [from, to), or `to` when all are free.
  uint64_t find_busy(size_t c, uint64_t from, uint64_t to);
  // Drops the intervals behind the window; returns the index of the first live interval
  // ending after `t` (spans.size() if none).
  size_t first_ending_after(size_t c, uint64_t t);
  void insert(size_t c, uint64_t start, uint64_t end);
  void update_front(size_t c) {
    const Far& f = far_[c];
    front_[c] = f.head < f.spans.size() ? f.spans[f.head].start : std::numeric_limits<uint64_t>::max();
  }

  size_t count_;
  uint64_t base_word_ = 0;       // absolute index (cycle / 64) of the window's oldest word
  uint64_t now_word_ = 0;        // the latest advance's (the window slides there at the next use)
  uint64_t bits_end_ = 0;        // absolute words at or after it hold no bits, in any calendar
  std::vector<uint64_t> words_;  // [(word % kWindowWords) * count + calendar]
  std::vector<Far> far_;         // per calendar
  std::vector<uint64_t> front_;  // per calendar: start of its first interval (what the fast paths read)
  size_t live_spans_ = 0;        // intervals of all calendars not yet dropped
};

}  // namespace star
