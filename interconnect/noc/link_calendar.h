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
  uint64_t reserve(uint64_t earliest, uint32_t length, uint64_t now);
  // First free cycle at or after `earliest`, without reserving (adaptive routing compares these).
  uint64_t first_free(uint64_t earliest, uint64_t now);

 private:
  static constexpr size_t kInitialWords = 16;  // 1024 cycles
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
