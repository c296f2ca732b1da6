#include "noc/link_calendar.h"

namespace star {

LinkCalendars::LinkCalendars(size_t count)
    : count_(count),
      words_(size_t(kWindowWords) * count, 0),
      far_(count),
      front_(count, std::numeric_limits<uint64_t>::max()) {}

// The words leaving the window (behind the new present) are the slots of the words entering
// it: cleared, all calendars' at once, but only up to the last word that holds bits.
void LinkCalendars::slide(uint64_t now_word) {
  const uint64_t clear_end = std::min({now_word, bits_end_, base_word_ + kWindowWords});
  for (uint64_t w = base_word_; w < clear_end; ++w)
    std::fill_n(words_.begin() + std::ptrdiff_t(size_t(w & (kWindowWords - 1)) * count_), count_, uint64_t(0));
  base_word_ = now_word;
}

size_t LinkCalendars::first_ending_after(size_t c, uint64_t t) {
  Far& f = far_[c];
  std::vector<Span>& s = f.spans;
  const size_t head = f.head;
  while (f.head < s.size() && s[f.head].end <= window_begin()) ++f.head;
  if (f.head != head) {
    live_spans_ -= f.head - head;
    if (f.head == s.size()) {
      s.clear();
      f.head = 0;
    } else if (f.head >= 16 && 2 * f.head >= s.size()) {  // reclaim the forgotten front
      s.erase(s.begin(), s.begin() + std::ptrdiff_t(f.head));
      f.head = 0;
    }
    update_front(c);
  }
  return size_t(std::partition_point(s.begin() + std::ptrdiff_t(f.head), s.end(),
                                     [t](const Span& x) { return x.end <= t; }) -
                s.begin());
}

void LinkCalendars::insert(size_t c, uint64_t start, uint64_t end) {
  Far& f = far_[c];
  std::vector<Span>& s = f.spans;
  // First live interval that ends at or after `start` (touching it or beyond).
  auto it = std::partition_point(s.begin() + std::ptrdiff_t(f.head), s.end(),
                                 [start](const Span& x) { return x.end < start; });
  if (it == s.end() || it->start > end) {  // disjoint from every interval: a new one
    s.insert(it, Span{start, end});
    ++live_spans_;
    update_front(c);
    return;
  }
  // Merge with every interval [start, end] overlaps or touches.
  it->start = std::min(it->start, start);
  auto last = it;
  while (last + 1 != s.end() && (last + 1)->start <= end) ++last;
  it->end = std::max(end, last->end);
  live_spans_ -= size_t(last - it);
  s.erase(it + 1, last + 1);
  update_front(c);
}

void LinkCalendars::mark_bits(size_t c, uint64_t start, uint64_t end) {
  for (uint64_t at = start; at < end;) {
    const uint64_t bit = at & 63;
    const uint64_t n = std::min<uint64_t>(64 - bit, end - at);
    set_bits(c, at >> 6, span_mask(bit, n));
    at += n;
  }
}

uint64_t LinkCalendars::count_bits(size_t c, uint64_t start, uint64_t end) {
  uint64_t n = 0;
  for (uint64_t at = std::max(start, window_begin()); at < std::min(end, window_end());) {
    const uint64_t bit = at & 63;
    const uint64_t k = std::min<uint64_t>(64 - bit, std::min(end, window_end()) - at);
    n += uint64_t(__builtin_popcountll(word(c, at >> 6) & span_mask(bit, k)));
    at += k;
  }
  return n;
}

// Short reservations inside the window become bits; long or far ones an interval (a packet of
// F flits costs O(log n) per link, not F/64 word writes).
void LinkCalendars::mark_slow(size_t c, uint64_t start, uint64_t end) {
  start = std::max(start, window_begin());
  if (start >= end) return;
  if (end - start <= 64 && end <= window_end())
    mark_bits(c, start, end);
  else
    insert(c, start, end);
}

// Both scan only up to the last word holding bits in any calendar (none while only long packets
// ran).
uint64_t LinkCalendars::free_bit(size_t c, uint64_t from) {
  const uint64_t end_word = bits_end_;  // <= the window's end
  if ((from >> 6) >= end_word) return from;
  uint64_t w = from >> 6;
  uint64_t busy = word(c, w) | ((uint64_t(1) << (from & 63)) - 1);  // cycles before `from` count as busy
  while (busy == ~uint64_t(0)) {
    if (++w == end_word) return w << 6;
    busy = word(c, w);
  }
  return (w << 6) + uint64_t(__builtin_ctzll(~busy));
}

uint64_t LinkCalendars::busy_bit(size_t c, uint64_t from, uint64_t to) {
  const uint64_t end = std::min(to, bits_end_ << 6);
  for (uint64_t at = from; at < end;) {
    const uint64_t w = at >> 6;
    const uint64_t busy = word(c, w) & ~((uint64_t(1) << (at & 63)) - 1);
    if (busy) return std::min(to, (w << 6) + uint64_t(__builtin_ctzll(busy)));
    at = (w + 1) << 6;
  }
  return to;
}

uint64_t LinkCalendars::find_free(size_t c, uint64_t from) {
  if (from < window_begin()) return from;  // forgotten cycles are free
  Far& f = far_[c];
  while (true) {  // alternately past set bits and intervals until neither covers `from`
    from = free_bit(c, from);
    const size_t i = first_ending_after(c, from);
    if (i == f.spans.size() || f.spans[i].start > from) return from;
    from = f.spans[i].end;
  }
}

uint64_t LinkCalendars::find_busy(size_t c, uint64_t from, uint64_t to) {
  from = std::max(from, window_begin());
  if (from >= to) return to;
  Far& f = far_[c];
  const size_t i = first_ending_after(c, from);
  const uint64_t in_far = i < f.spans.size() && f.spans[i].start < to ? std::max(f.spans[i].start, from) : to;
  return busy_bit(c, from, in_far);
}

uint64_t LinkCalendars::find_gap_slow(size_t c, uint64_t earliest, uint64_t length) {
  if (earliest >= bits_end_ << 6) {  // no bits from `earliest` on: the intervals alone
    const std::vector<Span>& s = far_[c].spans;
    uint64_t start = earliest;
    // Intervals from i on end after `start`; the gap before each is too short while it begins
    // before start + length.
    for (size_t i = first_ending_after(c, earliest); i < s.size() && s[i].start < start + length; ++i)
      start = s[i].end;
    return start;
  }
  uint64_t start = find_free(c, earliest);
  while (true) {
    const uint64_t busy = find_busy(c, start, start + length);
    if (busy == start + length) return start;
    start = find_free(c, busy + 1);
  }
}

uint64_t LinkCalendars::reserve_pair_slow(size_t a, size_t b, uint64_t earliest, uint64_t length) {
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

uint64_t LinkCalendars::hold(size_t c, uint64_t from, uint64_t to) {
  sync();
  from = std::max(from, window_begin());
  if (to <= from) return 0;
  // Busy cycles in [from, to): the intervals' plus the bits' in the gaps between them.
  Far& f = far_[c];
  uint64_t double_booked = 0;
  uint64_t at = from;
  for (size_t i = first_ending_after(c, from); at < to; ++i) {
    const bool more = i < f.spans.size() && f.spans[i].start < to;
    const uint64_t gap_end = more ? std::max(f.spans[i].start, at) : to;
    double_booked += count_bits(c, at, gap_end);
    if (!more) break;
    const uint64_t span_end = std::min(f.spans[i].end, to);
    double_booked += span_end - gap_end;
    at = span_end;
  }
  mark_slow(c, from, to);
  // The first `double_booked` free cycles at or after `to`, gap by gap.
  at = to;
  for (uint64_t left = double_booked; left > 0;) {
    at = find_free(c, at);
    const uint64_t end = find_busy(c, at, at + left);
    mark_slow(c, at, end);
    left -= end - at;
    at = end;
  }
  return double_booked;
}

}  // namespace star
