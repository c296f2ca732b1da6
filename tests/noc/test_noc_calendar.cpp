// LinkCalendars: the reservation calendars of the packet model (gaps, pairs of calendars,
// holds that push double-booked cycles back, cycles behind the present forgotten, memory bounded
// by the reservations ahead).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "noc/link_calendar.h"

using namespace star;

namespace {

// One bool per cycle per calendar: the reference the randomised tests compare LinkCalendars with.
struct ReferenceCalendars {
  std::vector<std::vector<bool>> busy;
  ReferenceCalendars(size_t count, uint64_t cycles) : busy(count, std::vector<bool>(cycles, false)) {}
  // First cycle >= from starting `length` cycles free in every calendar of `ks`.
  uint64_t gap(const std::vector<size_t>& ks, uint64_t from, uint64_t length) const {
    for (uint64_t s = from;; ++s) {
      uint64_t n = 0;
      while (n < length && std::none_of(ks.begin(), ks.end(), [&](size_t k) { return bool(busy[k][s + n]); })) ++n;
      if (n == length) return s;
    }
  }
  void mark(size_t k, uint64_t start, uint64_t length) {
    for (uint64_t t = start; t < start + length; ++t) busy[k][t] = true;
  }
  // The first `count` free cycles in [from, to) booked.
  void mark_free(size_t k, uint64_t from, uint64_t to, uint32_t count) {
    for (uint64_t t = from; t < to && count > 0; ++t)
      if (!busy[k][t]) busy[k][t] = true, --count;
  }
  // A hold: [from, to) booked over whatever is there, as many free cycles after `to` booked as
  // were booked twice; returns that number.
  uint64_t hold(size_t k, uint64_t from, uint64_t to) {
    uint64_t twice = 0;
    for (uint64_t t = from; t < to; ++t) twice += busy[k][t], busy[k][t] = true;
    for (uint64_t t = to, left = twice; left > 0; ++t)
      if (!busy[k][t]) busy[k][t] = true, --left;
    return twice;
  }
};

// A seeded linear congruential generator: draws in [0, bound).
struct Draws {
  uint64_t seed;
  uint64_t operator()(uint64_t bound) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % bound;
  }
};

}  // namespace

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
  // Whole words and a word's last cycle (the fast path's mask at its limits).
  CHECK(c.reserve(0, 128, 64) == 128);  // [128, 192): all of one word
  CHECK(c.first_free(0, 128) == 192);
  CHECK(c.reserve(0, 130, 1) == 192);
  CHECK(c.reserve_pair(0, 1, 255, 1) == 255);  // bit 63 of a word
  CHECK(c.reserve_pair(0, 1, 256, 64) == 256);
  CHECK(c.reserve_pair(0, 1, 250, 6) == 320);  // [250, 256) is free only up to 255
  CHECK(c.first_free(1, 250) == 250);
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
  // Short reservations beyond the bit window are intervals until the present passes them; those
  // inside it are bits.
  const uint64_t window = LinkCalendars::kWindowCycles;
  size_t beyond = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    c.mark(1, i * 1000, 10);
    beyond += i * 1000 + 10 > window;
  }
  CHECK(c.intervals(1) == beyond);
  c.advance(50000);
  CHECK(c.reserve(1, 50000, 1) == 50010);  // right after [50000, 50010)
  CHECK(c.intervals(1) == 50);              // the 50 behind cycle 49984 (= 50000 rounded to 64) are gone
  CHECK(c.first_free(1, 50000) == 50011);
  c.advance(200000);  // past everything: dropped at the calendar's next use
  CHECK(c.first_free(1, 200000) == 200000);
  CHECK(c.intervals(1) == 0);
}

TEST_CASE("short reservations near the present respect intervals and the window's end", "[noc]") {
  LinkCalendars c(2);
  const uint64_t end = LinkCalendars::kWindowCycles;  // the bit window is [0, end) at first
  c.mark(0, 300, 100);                                // a long packet: an interval
  CHECK(c.reserve_pair(0, 1, 290, 4) == 290);         // bits, before it
  CHECK(c.reserve_pair(0, 1, 297, 1) == 297);
  CHECK(c.reserve_pair(0, 1, 298, 4) == 400);         // [298, 302) reaches into the interval
  CHECK(c.reserve_pair(0, 1, 299, 1) == 299);         // the single-flit path stops before it
  CHECK(c.reserve_pair(0, 1, 300, 1) == 404);         // covered: the first cycle free in both
  CHECK(c.reserve(0, 280, 30) == 404 + 1);            // gaps in bits before the interval are too short
  CHECK(c.first_free(0, 290) == 294);
  CHECK(c.first_free(0, 296) == 296);
  // A short reservation across the window's end, and others on both sides of it.
  CHECK(c.reserve(1, end - 10, 20) == end - 10);
  CHECK(c.intervals(1) == 1);
  CHECK(c.reserve(1, end - 12, 2) == end - 12);  // bits
  CHECK(c.reserve(1, end - 12, 1) == end + 10);  // beyond: an interval, merged
  CHECK(c.intervals(1) == 1);
  CHECK(c.first_free(1, end - 12) == end + 11);
  CHECK(c.reserve(1, end + 20, 1) == end + 20);  // beyond the window: an interval of its own
  CHECK(c.intervals(1) == 2);
  // The window slides over both: answers stay the same.
  c.advance(end - 64);
  CHECK(c.first_free(1, end - 12) == end + 11);
  CHECK(c.reserve_pair(0, 1, end + 19, 2) == end + 21);
  CHECK(c.reserve_pair(0, 1, end + 19, 1) == end + 19);
  c.advance(end + 64);
  CHECK(c.first_free(1, end + 64) == end + 64);
  CHECK(c.intervals(1) == 0);
}

TEST_CASE("a hold across the window's end counts bits and intervals once each", "[noc]") {
  LinkCalendars c(1);
  const uint64_t end = LinkCalendars::kWindowCycles;
  c.mark(0, end - 20, 5);    // bits
  c.mark(0, end + 10, 100);  // an interval
  c.mark(0, end + 150, 3);   // a short interval beyond the window
  // [end - 30, end + 30) covers the 5 bits and 20 cycles of the interval.
  CHECK(c.hold(0, end - 30, end + 30) == 25);
  // Pushed back: the first 25 free cycles after end + 30, i.e. after the interval (end + 110).
  CHECK(c.first_free(0, end - 30) == end + 110 + 25);
  // Holding it again counts every cycle once although bits and intervals now overlap.
  CHECK(c.hold(0, end - 30, end + 30) == 60);
  CHECK(c.first_free(0, end - 30) == end + 110 + 25 + 60 + 3);  // skipping [end + 150, end + 153)
}

TEST_CASE("a 1-flit pass takes a cycle free in both calendars and nothing else", "[noc]") {
  LinkCalendars c(3);
  c.mark(1, 70, 1);
  {
    LinkCalendars::FlitPass pass(c);
    REQUIRE(pass.bits_only());
    CHECK(pass.reserve_pair_if_free(0, 1, 69));
    CHECK_FALSE(pass.reserve_pair_if_free(0, 1, 69));  // taken now
    CHECK_FALSE(pass.reserve_pair_if_free(0, 1, 70));  // busy in the second calendar
    CHECK_FALSE(pass.reserve_pair_if_free(0, 2, LinkCalendars::kWindowCycles));  // beyond the window
  }
  CHECK(c.first_free(0, 69) == 70);  // nothing reserved by the refusals
  CHECK(c.first_free(2, 0) == 0);
  CHECK(c.reserve_pair(0, 1, 69, 1) == 71);
  // An interval anywhere (a long reservation) leaves the pass to reserve_pair until it is behind
  // the present and dropped.
  c.mark(2, 200, 100);
  CHECK_FALSE(LinkCalendars::FlitPass(c).bits_only());
  c.advance(320);
  CHECK_FALSE(LinkCalendars::FlitPass(c).bits_only());  // dropped at the calendar's next use
  CHECK(c.first_free(2, 320) == 320);
  CHECK(LinkCalendars::FlitPass(c).bits_only());
}

TEST_CASE("a 1-flit pass waits across words and charges the cycles before its grant", "[noc]") {
  LinkCalendars c(3);
  for (uint64_t w = 0; w < 3; ++w) c.mark(0, 64 * w, 64);  // cycles [0, 192) taken on calendar 0
  c.mark(1, 192, 1);
  c.mark(2, 60, 4);
  c.mark(2, 64, 3);
  {
    LinkCalendars::FlitPass pass(c);
    REQUIRE(pass.bits_only());
    uint64_t grant = 0;
    REQUIRE(pass.reserve_pair_first(0, 1, 5, grant));
    CHECK(grant == 193);  // three words on, past 192 busy in the second calendar
    pass.mark_free_before(1, 5, grant, 3);  // the first three free cycles from 5
    pass.mark_free_before(2, 60, 130, 2);   // across a word's end: 67 and 68
  }
  CHECK(c.first_free(0, 0) == 192);
  CHECK(c.first_free(1, 5) == 8);
  CHECK(c.first_free(1, 8) == 8);
  CHECK(c.first_free(2, 60) == 69);
  CHECK(c.first_free(1, 193) == 194);
  {  // both at once, in one word and across words
    LinkCalendars::FlitPass pass(c);
    uint64_t grant = 0;
    REQUIRE(pass.take_hop(1, 2, 8, 2, grant));
    CHECK(grant == 8);  // free in both: nothing lost
    REQUIRE(pass.take_hop(0, 1, 9, 4, grant));
    CHECK(grant == 194);  // calendar 0 taken to 192, calendar 1 at 193
    REQUIRE(pass.take_hop(2, 1, 66, 4, grant));
    CHECK(grant == 69);  // calendar 2 taken from 60 to 68: three cycles to lose, not four
    REQUIRE(pass.take_hop(2, 1, 60, 1, grant));
    CHECK(grant == 70);  // one of the six free cycles from 60 lost
  }
  CHECK(c.first_free(1, 9) == 13);   // the four cycles the second hop lost
  CHECK(c.first_free(1, 60) == 61);  // the fourth hop's
  CHECK(c.first_free(1, 61) == 61);
  CHECK(c.first_free(1, 66) == 71);  // the third hop's three, its grant and the fourth's
  // Taken up to the window's end: the pass refuses (nothing reserved) and reserve_pair adds an
  // interval beyond the window.
  LinkCalendars full(2);
  for (uint64_t w = 0; w < LinkCalendars::kWindowWords; ++w) full.mark(0, 64 * w, 64);
  {
    LinkCalendars::FlitPass pass(full);
    uint64_t grant = 7;
    CHECK_FALSE(pass.reserve_pair_first(0, 1, 3, grant));
    CHECK(grant == 7);
  }
  CHECK(full.first_free(1, 0) == 0);
  CHECK(full.reserve_pair(0, 1, 3, 1) == LinkCalendars::kWindowCycles);
  CHECK_FALSE(LinkCalendars::FlitPass(full).bits_only());
}

// 1-flit packets near the present (no interval anywhere): what the packet model's injection
// loop does, through FlitPass, against the reference.
TEST_CASE("a 1-flit pass agrees with a cycle-by-cycle reference while the window slides", "[noc]") {
  LinkCalendars c(3);
  ReferenceCalendars ref(3, 100000);
  Draws next{24680};
  uint64_t now = 0;
  for (int i = 0; i < 6000; ++i) {
    if (i % 10 == 0) {
      now += next(100);
      c.advance(now);
    }
    LinkCalendars::FlitPass pass(c);
    REQUIRE(pass.bits_only());
    const size_t k = next(3), other = (k + 1 + next(2)) % 3;
    // Every third head crowds the cycles just ahead (long waits, past a word's end too).
    const uint64_t from = now + (i % 3 == 0 ? next(6) : next(150));
    const uint64_t expect = ref.gap({k, other}, from, 1);
    ref.mark(k, expect, 1);
    ref.mark(other, expect, 1);
    if (i % 3 != 2) {  // a waiting hop: the reservation, then the arbitrations lost meanwhile
      uint64_t grant = 0;
      const uint32_t count = uint32_t(next(5));
      if (i % 2) {  // both at once
        REQUIRE(pass.take_hop(k, other, from, count, grant));
        CHECK(grant == expect);
        ref.mark_free(other, from, grant, count);
        continue;
      }
      REQUIRE(pass.reserve_pair_first(k, other, from, grant));
      CHECK(grant == expect);
      if (grant > from) {
        pass.mark_free_before(other, from, grant, count);
        ref.mark_free(other, from, grant, count);
      }
    } else if (pass.reserve_pair_if_free(k, other, from)) {
      CHECK(from == expect);
    } else {
      CHECK(expect > from);
      CHECK(c.reserve_pair(k, other, from, 1) == expect);
    }
  }
  for (size_t k = 0; k < 3; ++k)
    for (uint64_t t = now; t < now + 300; ++t) CHECK(c.first_free(k, t) == ref.gap({k}, t, 1));
}

// Long packets (hundreds to thousands of flits) are one interval per link: the calendars must
// agree cycle for cycle with a plain one-bool-per-cycle reference under random reservations,
// marks and holds of every length from 1 to 3000 cycles at every bit offset.
TEST_CASE("long reservations and holds agree with a cycle-by-cycle reference", "[noc]") {
  LinkCalendars c(2);
  ReferenceCalendars ref(2, 400000);
  Draws next{12345};
  for (int i = 0; i < 300; ++i) {
    const size_t k = next(2);
    const uint64_t from = next(20000);
    const uint32_t length = uint32_t(1 + (i % 3 == 0 ? next(3000) : next(100)));
    if (i % 5 == 4) {
      CHECK(c.hold(k, from, from + length) == ref.hold(k, from, from + length));
    } else {
      const uint64_t expect = ref.gap({k}, from, length);
      ref.mark(k, expect, length);
      CHECK(c.reserve(k, from, length) == expect);
    }
  }
  for (size_t k = 0; k < 2; ++k)
    for (uint64_t t = 0; t < 30000; t += 7) CHECK(c.first_free(k, t) == ref.gap({k}, t, 1));
}

// Short and long reservations, pairs, holds and marks of free cycles near the present and far beyond the bit window,
// while the present advances: the same answers as a one-bool-per-cycle reference.
TEST_CASE("calendars agree with a cycle-by-cycle reference while the window slides", "[noc]") {
  LinkCalendars c(3);
  const uint64_t window = LinkCalendars::kWindowCycles;
  ReferenceCalendars ref(3, 200000);
  Draws next{987654321};
  uint64_t now = 0;
  for (int i = 0; i < 4000; ++i) {
    if (i % 10 == 0) {
      now += next(300);
      c.advance(now);
    }
    const size_t k = next(3);
    const uint64_t from = now + (i % 4 == 0 ? next(4 * window) : next(200));
    const uint64_t length = 1 + (i % 7 == 0 ? next(500) : next(i % 2 ? 4 : 70));
    switch (i % 5) {
      case 0:
        CHECK(c.hold(k, from, from + length) == ref.hold(k, from, from + length));
        break;
      case 1:
      case 2: {
        const size_t other = (k + 1 + next(2)) % 3;
        const uint64_t expect = ref.gap({k, other}, from, length);
        ref.mark(k, expect, length);
        ref.mark(other, expect, length);
        // A single flit: the packet model's injection tries its cycle first (FlitPass), and
        // reserve_pair finds the gap if it is taken.
        LinkCalendars::FlitPass pass(c);
        CHECK(pass.bits_only() == (c.intervals(0) + c.intervals(1) + c.intervals(2) == 0));
        uint64_t grant = 0;
        if (length == 1 && i % 3 == 0 && pass.bits_only() && pass.reserve_pair_first(k, other, from, grant)) {
          CHECK(grant == expect);
        } else if (length == 1 && pass.bits_only() && pass.reserve_pair_if_free(k, other, from)) {
          CHECK(from == expect);
        } else {
          CHECK(c.reserve_pair(k, other, from, length) == expect);
        }
        break;
      }
      case 3: {
        CHECK(c.first_free(k, from) == ref.gap({k}, from, 1));
        const uint32_t count = uint32_t(next(5));  // the arbitrations a head loses (packet model)
        c.mark_free(k, from, from + length, count);
        ref.mark_free(k, from, from + length, count);
        CHECK(c.first_free(k, from) == ref.gap({k}, from, 1));
        break;
      }
      default: {
        const uint64_t expect = ref.gap({k}, from, length);
        ref.mark(k, expect, length);
        CHECK(c.reserve(k, from, length) == expect);
      }
    }
  }
  for (size_t k = 0; k < 3; ++k)
    for (uint64_t t = now; t < now + 5 * window; t += 3) CHECK(c.first_free(k, t) == ref.gap({k}, t, 1));
}
