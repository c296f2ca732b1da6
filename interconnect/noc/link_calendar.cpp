#include "noc/link_calendar.h"

#include <algorithm>

namespace star {

void LinkCalendar::slide(uint64_t now) {
  const uint64_t now_word = now >> 6;
  if (now_word <= base_word_) return;
  if (now_word - base_word_ >= words_.size()) {
    for (uint64_t& w : words_) w = 0;
  } else {
    for (uint64_t w = base_word_; w < now_word; ++w) word_at(w) = 0;  // cycles in the past
  }
  base_word_ = now_word;
}

void LinkCalendar::ensure(uint64_t word) {
  if (word < base_word_ + words_.size()) return;
  size_t size = words_.size();
  while (word >= base_word_ + size) size *= 2;
  std::vector<uint64_t> grown(size, 0);
  for (uint64_t w = base_word_; w < base_word_ + words_.size(); ++w) grown[w & (size - 1)] = word_at(w);
  words_.swap(grown);
}

uint64_t LinkCalendar::find_free_bit(uint64_t from) {
  uint64_t w = from >> 6;
  ensure(w);
  uint64_t busy = word_at(w) | ((uint64_t(1) << (from & 63)) - 1);  // cycles before `from` count as busy
  while (busy == ~uint64_t(0)) {
    ensure(++w);
    busy = word_at(w);
  }
  return (w << 6) + uint64_t(__builtin_ctzll(~busy));
}

uint64_t LinkCalendar::find_busy_bit(uint64_t from, uint64_t to) {
  uint64_t c = from;
  while (c < to) {
    const uint64_t w = c >> 6;
    ensure(w);
    const uint64_t busy = word_at(w) & ~((uint64_t(1) << (c & 63)) - 1);
    if (busy) {
      const uint64_t hit = (w << 6) + uint64_t(__builtin_ctzll(busy));
      return hit < to ? hit : to;
    }
    c = (w + 1) << 6;
  }
  return to;
}

uint64_t LinkCalendar::first_free(uint64_t earliest, uint64_t now) {
  slide(now);
  return find_free_bit(earliest);
}

uint64_t LinkCalendar::reserve_slow(uint64_t earliest, uint32_t length, uint64_t now) {
  slide(now);
  uint64_t start = find_free_bit(earliest);
  while (true) {
    const uint64_t busy = find_busy_bit(start, start + length);
    if (busy == start + length) break;
    start = find_free_bit(busy + 1);
  }
  for (uint64_t c = start; c < start + length; ++c) word_at(c >> 6) |= uint64_t(1) << (c & 63);
  return start;
}

uint64_t LinkCalendar::hold(uint64_t from, uint64_t to, uint64_t now) {
  slide(now);
  if (to > from) ensure((to - 1) >> 6);
  uint64_t double_booked = 0;
  for (uint64_t c = std::max(from, now); c < to; ++c) {
    uint64_t& word = word_at(c >> 6);
    const uint64_t bit = uint64_t(1) << (c & 63);
    if (word & bit) ++double_booked;
    word |= bit;
  }
  for (uint64_t k = 0, c = to; k < double_booked; ++k) {
    c = find_free_bit(c);
    word_at(c >> 6) |= uint64_t(1) << (c & 63);
  }
  return double_booked;
}

}  // namespace star
