// LinkCalendars: the reservation calendars of the packet model (gaps, pairs of calendars,
// holds that push double-booked cycles back, cycles behind the present forgotten, memory bounded
// by the reservations ahead).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "noc/link_calendar.h"

using namespace star;

TEST_CASE("link calendars reserve the first gap long enough", "[noc]") {
  LinkCalendars c(3);
  CHECK(c.reserve(0, 10, 4) == 10);  // [10, 14)
  CHECK(c.reserve(0, 8, 4) == 14);   // overlaps [10, 14): the first gap of 4 from 8 starts at 14
  CHECK(c.reserve(0, 5, 3) == 5);    // [5, 8) fits before
  CHECK(c.reserve(0, 8, 2) == 8);    // [8, 10) exactly fills the hole
  CHECK(c.first_free(0, 5) == 18);
  CHECK(c.first_free(1, 5) == 5);    // calendars are independent
  // A gap spanning a 64-cycle word boundary.
  CHECK(c.reserve(1, 60, 8) == 60);
  CHECK(c.first_free(1, 60) == 68);
}

TEST_CASE("a pair reservation takes the first gap free in both calendars", "[noc]") {
  LinkCalendars c(2);
  c.mark(0, 10, 3);  // output busy [10, 13)
  c.mark(1, 13, 2);  // input busy [13, 15)
  CHECK(c.reserve_pair(0, 1, 10, 2) == 15);
  CHECK(c.first_free(0, 15) == 17);
  CHECK(c.first_free(1, 15) == 17);
  CHECK(c.reserve_pair(0, 1, 0, 1) == 0);
  // One flit: the next cycle free in both, inside the word and across a word boundary.
  c.mark(0, 70, 1);
  c.mark(1, 71, 1);
  CHECK(c.reserve_pair(0, 1, 70, 1) == 72);
  CHECK(c.reserve_pair(0, 1, 70, 1) == 73);
  c.mark(0, 126, 2);
  CHECK(c.reserve_pair(0, 1, 126, 1) == 128);
  CHECK(c.first_free(1, 126) == 126);  // the input calendar was not marked at 126 or 127
}

TEST_CASE("a hold books its cycles and pushes double-booked ones back", "[noc]") {
  LinkCalendars c(1);
  c.mark(0, 20, 2);                     // another packet at [20, 22)
  CHECK(c.hold(0, 15, 25) == 2);        // [15, 25) held over it: 2 cycles booked twice
  CHECK(c.first_free(0, 15) == 27);     // ... so [25, 27) is taken in their place
  CHECK(c.hold(0, 30, 30) == 0);        // empty interval
  CHECK(c.first_free(0, 27) == 27);
}

TEST_CASE("calendars forget the past and keep reservations far ahead", "[noc]") {
  LinkCalendars c(4);
  CHECK(c.reserve(2, 5000, 100) == 5000);  // beyond the initial window: it grows
  CHECK(c.reserve(2, 4950, 60) == 5100);   // [4950, 5010) collides, next gap after the 100 cycles
  c.advance(3000);
  CHECK(c.reserve(2, 3000, 1) == 3000);
  CHECK(c.first_free(2, 5000) == 5160);    // kept across the slide
  c.advance(100000);                       // far past everything: all free again
  CHECK(c.first_free(2, 100000) == 100000);
  CHECK(c.reserve(3, 100000, 64) == 100000);
  CHECK(c.first_free(3, 100000) == 100064);
}

TEST_CASE("calendar memory is bounded by the reservations ahead, not their length", "[noc]") {
  LinkCalendars c(2);
  // 1000 back-to-back packets of 65536 flits, seconds ahead at 1 GHz: one merged interval.
  for (int i = 0; i < 1000; ++i) CHECK(c.reserve(0, 0, 65536) == uint64_t(i) * 65536);
  CHECK(c.intervals(0) == 1);
  CHECK(c.first_free(0, 0) == 65536000);
  // Separate reservations stay separate until the present passes them.
  for (uint64_t i = 0; i < 100; ++i) c.mark(1, i * 1000, 10);
  CHECK(c.intervals(1) == 100);
  c.advance(50000);
  CHECK(c.reserve(1, 50000, 1) == 50010);  // right after [50000, 50010): merged with it
  CHECK(c.intervals(1) == 50);              // the 50 behind cycle 49984 (= 50000 rounded to 64) are gone
  CHECK(c.first_free(1, 50000) == 50011);
}

// Long packets (hundreds to thousands of flits) are one interval per link: the calendars must
// agree cycle for cycle with a plain one-bool-per-cycle reference under random reservations,
// marks and holds of every length from 1 to 3000 cycles at every bit offset.
TEST_CASE("long reservations and holds agree with a cycle-by-cycle reference", "[noc]") {
  LinkCalendars c(2);
  std::vector<std::vector<bool>> ref(2, std::vector<bool>(400000, false));
  auto ref_gap = [&](size_t k, uint64_t from, uint32_t length) {
    for (uint64_t s = from;; ++s) {
      uint32_t n = 0;
      while (n < length && !ref[k][s + n]) ++n;
      if (n == length) return s;
    }
  };
  uint64_t seed = 12345;
  auto next = [&](uint64_t bound) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % bound;
  };
  for (int i = 0; i < 300; ++i) {
    const size_t k = next(2);
    const uint64_t from = next(20000);
    const uint32_t length = uint32_t(1 + (i % 3 == 0 ? next(3000) : next(100)));
    if (i % 5 == 4) {  // a hold: booked over whatever is there, double-booked cycles pushed back
      const uint64_t to = from + length;
      uint64_t twice = 0;
      for (uint64_t t = from; t < to; ++t) twice += ref[k][t], ref[k][t] = true;
      for (uint64_t t = to, left = twice; left > 0; ++t)
        if (!ref[k][t]) ref[k][t] = true, --left;
      CHECK(c.hold(k, from, to) == twice);
    } else {
      const uint64_t expect = ref_gap(k, from, length);
      for (uint64_t t = expect; t < expect + length; ++t) ref[k][t] = true;
      CHECK(c.reserve(k, from, length) == expect);
    }
  }
  for (size_t k = 0; k < 2; ++k)
    for (uint64_t t = 0; t < 30000; t += 7) CHECK(c.first_free(k, t) == ref_gap(k, t, 1));
}
