#include "noc/link_calendar.h"

#include <algorithm>

namespace star {

LinkCalendars::LinkCalendars(size_t count) : count_(count), words_(kInitialWindow * count, 0) {}

void LinkCalendars::slide(uint64_t now_word) {
  if (now_word - base_word_ >= window_) {
    std::fill(words_.begin(), words_.end(), 0);
  } else {
    for (uint64_t w = base_word_; w < now_word; ++w)  // cycles in the past
      std::fill_n(words_.begin() + std::ptrdiff_t(size_t(w & (window_ - 1)) * count_), count_, 0);
  }
  base_word_ = now_word;
}

void LinkCalendars::ensure(uint64_t w) {
  if (w < base_word_ + window_) return;
  size_t window = window_;
  while (w >= base_word_ + window) window *= 2;
  std::vector<uint64_t> grown(window * count_, 0);
  for (uint64_t old = base_word_; old < base_word_ + window_; ++old)
    std::copy_n(words_.begin() + std::ptrdiff_t(size_t(old & (window_ - 1)) * count_), count_,
                grown.begin() + std::ptrdiff_t(size_t(old & (window - 1)) * count_));
  words_.swap(grown);
  window_ = window;
}

uint64_t LinkCalendars::find_free_bit(size_t c, uint64_t from) {
  uint64_t w = from >> 6;
  ensure(w);
  uint64_t busy = word(c, w) | ((uint64_t(1) << (from & 63)) - 1);  // cycles before `from` count as busy
  while (busy == ~uint64_t(0)) {
    ensure(++w);
    busy = word(c, w);
  }
  return (w << 6) + uint64_t(__builtin_ctzll(~busy));
}

uint64_t LinkCalendars::find_busy_bit(size_t c, uint64_t from, uint64_t to) {
  uint64_t at = from;
  while (at < to) {
    const uint64_t w = at >> 6;
    ensure(w);
    const uint64_t busy = word(c, w) & ~((uint64_t(1) << (at & 63)) - 1);
    if (busy) {
      const uint64_t hit = (w << 6) + uint64_t(__builtin_ctzll(busy));
      return hit < to ? hit : to;
    }
    at = (w + 1) << 6;
  }
  return to;
}

uint64_t LinkCalendars::first_free(size_t c, uint64_t earliest) { return find_free_bit(c, earliest); }

uint64_t LinkCalendars::find_gap_slow(size_t c, uint64_t earliest, uint32_t length) {
  uint64_t start = find_free_bit(c, earliest);
  while (true) {
    const uint64_t busy = find_busy_bit(c, start, start + length);
    if (busy == start + length) return start;
    start = find_free_bit(c, busy + 1);
  }
}

// A word at a time: a packet of F flits costs F/64 word writes per link, not F bit writes.
void LinkCalendars::mark_slow(size_t c, uint64_t start, uint32_t length) {
  const uint64_t end = start + length;
  ensure((end - 1) >> 6);
  for (uint64_t at = start; at < end;) {
    const uint32_t bit = uint32_t(at & 63);
    const uint32_t n = uint32_t(std::min<uint64_t>(64 - bit, end - at));
    word(c, at >> 6) |= span_mask(bit, n);
    at += n;
  }
}

uint64_t LinkCalendars::hold(size_t c, uint64_t from, uint64_t to) {
  from = std::max(from, base_word_ << 6);
  if (to <= from) return 0;
  ensure((to - 1) >> 6);
  uint64_t double_booked = 0;
  for (uint64_t at = from; at < to;) {  // a word at a time
    const uint32_t bit = uint32_t(at & 63);
    const uint32_t n = uint32_t(std::min<uint64_t>(64 - bit, to - at));
    const uint64_t mask = span_mask(bit, n);
    uint64_t& w = word(c, at >> 6);
    double_booked += uint64_t(__builtin_popcountll(w & mask));
    w |= mask;
    at += n;
  }
  for (uint64_t k = 0, at = to; k < double_booked; ++k) {
    at = find_free_bit(c, at);
    word(c, at >> 6) |= uint64_t(1) << (at & 63);
  }
  return double_booked;
}

}  // namespace star
