// Reservation calendar of one link (or router output): which future cycles already carry a flit.
// One bit per cycle in a ring of 64-bit words that slides with simulated time and grows when a
// reservation lies beyond it, so a packet can take the first gap long enough for its flits even
// between reservations made earlier for packets that arrive later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace star {

class LinkCalendar {
 public:
  LinkCalendar() : words_(kInitialWords, 0) {}

  // Reserves `length` consecutive cycles starting at the first free gap at or after `earliest`
  // (>= now, which must never decrease between calls); returns the first reserved cycle.
  uint64_t reserve(uint64_t earliest, uint32_t length, uint64_t now) {
    // Fast path: the requested cycles are free and inside one word.
    const uint64_t w = earliest >> 6;
    const uint32_t bit = uint32_t(earliest & 63);
    if ((now >> 6) <= base_word_ && w < base_word_ + words_.size() && length <= 64 - bit) {
      const uint64_t mask = (length == 64 ? ~uint64_t(0) : ((uint64_t(1) << length) - 1)) << bit;
      uint64_t& word = word_at(w);
      if (!(word & mask)) {
        word |= mask;
        return earliest;
      }
    }
    return reserve_slow(earliest, length, now);
  }
  // Marks [from, to) busy whether or not parts already are (a packet holding the link while
  // blocked further on). Cycles in it that were already reserved (by packets injected earlier
  // but passing later) are booked twice; so that the link never carries more than one flit per
  // cycle on average, as many free cycles after `to` are marked busy in their place (those
  // packets are pushed back). Returns that number.
  uint64_t hold(uint64_t from, uint64_t to, uint64_t now);
  // First free cycle at or after `earliest`, without reserving (adaptive routing compares these).
  uint64_t first_free(uint64_t earliest, uint64_t now);

 private:
  static constexpr size_t kInitialWords = 16;  // 1024 cycles
  uint64_t reserve_slow(uint64_t earliest, uint32_t length, uint64_t now);
  void slide(uint64_t now);
  void ensure(uint64_t word);  // grow so that absolute word `word` is inside the ring
  uint64_t& word_at(uint64_t word) { return words_[word & (words_.size() - 1)]; }
  uint64_t find_free_bit(uint64_t from);
  // First reserved cycle in [from, to), or `to` when all are free.
  uint64_t find_busy_bit(uint64_t from, uint64_t to);

  std::vector<uint64_t> words_;  // size is a power of two
  uint64_t base_word_ = 0;       // absolute index (cycle / 64) of the oldest word held
};

}  // namespace star
