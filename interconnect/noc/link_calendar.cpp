#include "noc/link_calendar.h"

namespace star {

LinkCalendars::LinkCalendars(size_t count) : calendars_(count) {}

size_t LinkCalendars::first_ending_after(Calendar& cal, uint64_t t) {
  std::vector<Span>& s = cal.spans;
  while (cal.head < s.size() && s[cal.head].end <= horizon_) ++cal.head;
  if (cal.head >= 16 && 2 * cal.head >= s.size()) {  // reclaim the forgotten front
    s.erase(s.begin(), s.begin() + std::ptrdiff_t(cal.head));
    cal.head = 0;
  }
  return size_t(std::partition_point(s.begin() + std::ptrdiff_t(cal.head), s.end(),
                                     [t](const Span& x) { return x.end <= t; }) -
                s.begin());
}

void LinkCalendars::insert(Calendar& cal, uint64_t start, uint64_t end) {
  std::vector<Span>& s = cal.spans;
  // First live interval that ends at or after `start` (touching it or beyond).
  auto it = std::partition_point(s.begin() + std::ptrdiff_t(cal.head), s.end(),
                                 [start](const Span& x) { return x.end < start; });
  if (it == s.end() || it->start > end) {  // disjoint from every interval: a new one
    s.insert(it, Span{start, end});
    return;
  }
  // Merge with every interval [start, end] overlaps or touches.
  it->start = std::min(it->start, start);
  auto last = it;
  while (last + 1 != s.end() && (last + 1)->start <= end) ++last;
  it->end = std::max(end, last->end);
  s.erase(it + 1, last + 1);
}

uint64_t LinkCalendars::find_gap(size_t c, uint64_t earliest, uint64_t length) {
  Calendar& cal = calendars_[c];
  size_t i = first_ending_after(cal, earliest);
  uint64_t start = earliest;
  // Intervals from i on end after `start`; the gap before each is too short while it begins
  // before start + length.
  for (const std::vector<Span>& s = cal.spans; i < s.size() && s[i].start < start + length; ++i)
    start = s[i].end;
  return start;
}

uint64_t LinkCalendars::reserve_pair(size_t a, size_t b, uint64_t earliest, uint64_t length) {
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

uint64_t LinkCalendars::first_free(size_t c, uint64_t earliest) {
  Calendar& cal = calendars_[c];
  const size_t i = first_ending_after(cal, earliest);
  return i < cal.spans.size() && cal.spans[i].start <= earliest ? cal.spans[i].end : earliest;
}

uint64_t LinkCalendars::hold(size_t c, uint64_t from, uint64_t to) {
  from = std::max(from, horizon_);
  if (to <= from) return 0;
  Calendar& cal = calendars_[c];
  uint64_t double_booked = 0;
  for (size_t i = first_ending_after(cal, from); i < cal.spans.size() && cal.spans[i].start < to; ++i)
    double_booked += std::min(to, cal.spans[i].end) - std::max(from, cal.spans[i].start);
  insert(cal, from, to);
  // The first `double_booked` free cycles at or after `to`, gap by gap.
  uint64_t left = double_booked, at = to;
  while (left > 0) {
    const size_t i = first_ending_after(cal, at);
    if (i < cal.spans.size() && cal.spans[i].start <= at) {
      at = cal.spans[i].end;
      continue;
    }
    const uint64_t gap = i < cal.spans.size() ? cal.spans[i].start - at : left;
    const uint64_t n = std::min(gap, left);
    insert(cal, at, at + n);
    at += n;
    left -= n;
  }
  return double_booked;
}

}  // namespace star
