// CycleSetQueue (WormholeEventModel's allocations): ids taken in cycle order, once per cycle
// however often pushed, in increasing order within a cycle, near (the ring) and far (the heap)
// alike, across runs and through ids pushed while a cycle runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "noc/cycle_set_queue.h"

using namespace star;

namespace {

using Taken = std::vector<std::pair<uint64_t, uint32_t>>;

Taken run(CycleSetQueue& q, uint64_t limit) {
  Taken out;
  q.run_until(limit, [&](uint64_t c, uint32_t id) { out.emplace_back(c, id); });
  return out;
}

}  // namespace

TEST_CASE("CycleSetQueue takes ids in cycle order, each once per cycle, in id order within a cycle",
          "[noc][events]") {
  CycleSetQueue q(130);  // three words per cycle
  CHECK(q.empty());
  CHECK(q.next_cycle() == CycleSetQueue::kNone);
  const uint64_t far = CycleSetQueue::kCycles + 20;  // beyond the ring while runs stay before 20
  q.push(7, 129);
  q.push(3, 64);
  q.push(7, 2);
  q.push(3, 0);
  q.push(7, 129);  // again: taken once
  q.push(far, 1);  // the heap
  CHECK_FALSE(q.empty());
  CHECK(q.next_cycle() == 3);
  CHECK(run(q, 7) == Taken{{3, 0}, {3, 64}});  // cycle 7 is not before the limit
  CHECK(q.next_cycle() == 7);
  CHECK(run(q, 30) == Taken{{7, 2}, {7, 129}});
  CHECK(q.next_cycle() == far);
  q.push(far, 1);  // the same cycle and id, now inside the ring: still taken once
  q.push(far, 0);
  CHECK(run(q, CycleSetQueue::kNone) == Taken{{far, 0}, {far, 1}});
  CHECK(q.empty());
}

TEST_CASE("CycleSetQueue runs ids pushed while a cycle runs, for that cycle and later ones", "[noc][events]") {
  CycleSetQueue q(100);
  q.push(10, 70);
  Taken out;
  q.run_until(CycleSetQueue::kNone, [&](uint64_t c, uint32_t id) {
    out.emplace_back(c, id);
    if (c == 10 && id == 70) {
      q.push(10, 5);   // this cycle, in a word already passed
      q.push(10, 99);  // this cycle, in a word still ahead
      q.push(11, 70);
      q.push(10 + 3 * CycleSetQueue::kCycles, 1);  // far
    }
  });
  CHECK(out == Taken{{10, 70}, {10, 99}, {10, 5}, {11, 70}, {10 + 3 * CycleSetQueue::kCycles, 1}});
  CHECK(q.empty());

  CycleSetQueue wide(5000);  // more words than are scanned whole: a bitmap of the non-empty ones
  wide.push(4, 4999);
  out.clear();
  wide.run_until(CycleSetQueue::kNone, [&](uint64_t c, uint32_t id) {
    out.emplace_back(c, id);
    if (id == 4999) {
      wide.push(4, 0);     // this cycle, a word (and a bitmap word) already passed
      wide.push(4, 4998);  // this cycle, the word being taken
    }
  });
  CHECK(out == Taken{{4, 4999}, {4, 4998}, {4, 0}});
  CHECK(wide.empty());
}

TEST_CASE("CycleSetQueue equals a map of per-cycle sets on random pushes and runs", "[noc][events]") {
  std::mt19937_64 rng(5);
  for (uint32_t ids : {1u, 64u, 65u, 320u, 1000u, 5120u}) {  // 1000 and 5120: a bitmap of words
    CycleSetQueue q(ids);
    std::map<uint64_t, std::set<uint32_t>> ref;
    uint64_t now = 0;
    for (int step = 0; step < 4000; ++step) {
      if (rng() % 3 != 0) {  // push near or far ahead of now
        const uint64_t ahead = rng() % 4 == 0 ? rng() % (4 * CycleSetQueue::kCycles) : rng() % 40;
        const uint32_t id = uint32_t(rng() % ids);
        q.push(now + ahead, id);
        ref[now + ahead].insert(id);
      } else {  // run to a limit a little ahead
        const uint64_t limit = now + rng() % 300;
        Taken expected;
        while (!ref.empty() && ref.begin()->first < limit) {
          for (uint32_t id : ref.begin()->second) expected.emplace_back(ref.begin()->first, id);
          ref.erase(ref.begin());
        }
        REQUIRE(run(q, limit) == expected);
        now = std::max(now, limit);
        REQUIRE(q.next_cycle() == (ref.empty() ? CycleSetQueue::kNone : ref.begin()->first));
      }
    }
  }
}
