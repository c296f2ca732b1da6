// RASS: the reuse-aware K/V row schedule (modules/controller/rass_model.h).
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "controller/rass_model.h"
#include "tiling_test_support.h"

using namespace star;
using namespace star::test;

namespace {


std::vector<const RowSelection*> pointers(const std::vector<RowSelection>& v) {
  std::vector<const RowSelection*> p;
  for (const auto& s : v) p.push_back(&s);
  return p;
}

// Independent reference: the vanilla gather through an LRU buffer, simulated with a plain vector
// (most recently used at the back).
std::uint64_t brute_lru_loads(const std::vector<RowSelection>& sel, std::uint32_t tile,
                              std::uint32_t capacity) {
  std::vector<std::uint32_t> buffer;
  std::uint64_t loads = 0;
  for (const auto& s : sel) {
    std::vector<std::uint32_t> rows(s.tile_begin(tile), s.tile_begin(tile) + s.tile_size(tile));
    std::sort(rows.begin(), rows.end());
    for (std::uint32_t r : rows) {
      auto it = std::find(buffer.begin(), buffer.end(), r);
      if (it != buffer.end()) {
        buffer.erase(it);
      } else {
        ++loads;
        if (capacity == 0) continue;
        if (buffer.size() == capacity) buffer.erase(buffer.begin());
      }
      buffer.push_back(r);
    }
  }
  return loads;
}

// Random selections with a few popular rows, like real attention's heavy hitters.
std::vector<RowSelection> random_selections(std::mt19937& rng, std::uint32_t queries,
                                            std::uint32_t tiles, std::uint32_t tile_len) {
  std::vector<RowSelection> out;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> popularity(tiles * tile_len);
  for (auto& p : popularity) p = u(rng) < 0.2 ? 0.8 : 0.15;
  for (std::uint32_t q = 0; q < queries; ++q) {
    std::vector<std::vector<std::uint32_t>> per_tile(tiles);
    for (std::uint32_t t = 0; t < tiles; ++t) {
      for (std::uint32_t k = 0; k < tile_len; ++k)
        if (u(rng) < popularity[t * tile_len + k]) per_tile[t].push_back(t * tile_len + k);
      std::shuffle(per_tile[t].begin(), per_tile[t].end(), rng);  // any order must work
    }
    out.push_back(make_selection(per_tile));
  }
  return out;
}

}  // namespace

TEST_CASE("RASS reproduces SOFA's 4-query example: 24 vanilla loads become 16", "[rass]") {
  // Tile 1 covers keys 16..31; four queries select six rows each, 16 distinct rows in all.
  const std::vector<RowSelection> sel = {
      make_selection({{0}, {16, 17, 18, 19, 20, 21}}),
      make_selection({{1}, {16, 17, 22, 23, 24, 25}}),
      make_selection({{2}, {26, 16, 18, 27, 28, 29}}),
      make_selection({{3}, {30, 31, 16, 17, 19, 26}}),
  };
  const RassPlan plan = rass_plan(pointers(sel), 1, 0);
  CHECK(plan.selected == 24);
  CHECK(plan.loads_without_rass == 24);
  CHECK(plan.loads_with_rass == 16);
  // 16 is shared by 4, 17 by 3, then 18/19/26 by 2 (ascending), then the singles ascending.
  const std::vector<std::uint32_t> order = {16, 17, 18, 19, 26, 20, 21, 22,
                                            23, 24, 25, 27, 28, 29, 30, 31};
  const std::vector<std::uint32_t> sharers = {4, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(plan.order == order);
  CHECK(plan.sharers == sharers);
  CHECK(plan.ops.adds == 24 + 16);
  CHECK(plan.ops.compares == 16);
  // A buffer big enough for the union lets the vanilla gather reuse everything; a 4-row buffer
  // reuses nothing here (hand-simulated: every query's rows evict the shared ones in between).
  CHECK(rass_plan(pointers(sel), 1, 16).loads_without_rass == 16);
  CHECK(rass_plan(pointers(sel), 1, 4).loads_without_rass == 24);
  CHECK(rass_plan(pointers(sel), 1, 4).loads_without_rass == brute_lru_loads(sel, 1, 4));
}

TEST_CASE("RASS issues exactly the union, most shared first, on random selections", "[rass]") {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 60; ++trial) {
    const std::uint32_t queries = 1 + rng() % 24, tiles = 1 + rng() % 3, len = 1 + rng() % 40;
    const auto sel = random_selections(rng, queries, tiles, len);
    const std::uint32_t tile = rng() % tiles;
    const RassPlan plan = rass_plan(pointers(sel), tile, 0);

    std::map<std::uint32_t, std::uint32_t> want;  // row -> number of queries selecting it
    std::uint64_t selected = 0;
    for (const auto& s : sel)
      for (std::size_t i = 0; i < s.tile_size(tile); ++i, ++selected) ++want[s.tile_begin(tile)[i]];

    REQUIRE(plan.order.size() == want.size());
    REQUIRE(plan.sharers.size() == want.size());
    CHECK(std::set<std::uint32_t>(plan.order.begin(), plan.order.end()).size() == want.size());
    for (std::size_t i = 0; i < plan.order.size(); ++i) {
      REQUIRE(want.count(plan.order[i]) == 1);
      CHECK(plan.sharers[i] == want[plan.order[i]]);
      if (i > 0) {
        CHECK(plan.sharers[i - 1] >= plan.sharers[i]);
        if (plan.sharers[i - 1] == plan.sharers[i]) CHECK(plan.order[i - 1] < plan.order[i]);
      }
    }
    CHECK(plan.loads_with_rass == want.size());
    CHECK(plan.selected == selected);
    CHECK(plan.loads_without_rass == selected);
  }
}

TEST_CASE("vanilla gather loads match a brute-force LRU simulation", "[rass]") {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 60; ++trial) {
    const std::uint32_t queries = 1 + rng() % 16, len = 1 + rng() % 48;
    auto sel = random_selections(rng, queries, 2, len);
    if (trial % 2) {  // SADS's layout: the top-1 and top-2 first, the rest ascending
      for (auto& s : sel) {
        auto* first = s.keys.data() + s.tile_start[1];
        auto* last = s.keys.data() + s.tile_start[2];
        if (last - first > 2) std::sort(first + 2, last);
      }
    }
    for (std::uint32_t cap : {0u, 1u, 2u, 3u, 5u, 8u, 13u, 32u, 64u}) {
      const RassPlan plan = rass_plan(pointers(sel), 1, cap);
      CHECK(plan.loads_without_rass == brute_lru_loads(sel, 1, cap));
      CHECK(plan.loads_with_rass <= plan.loads_without_rass);
    }
  }
}

TEST_CASE("RASS handles rows spread over a huge index range", "[rass]") {
  // Forces the sorted-distinct slot mapping instead of the dense one.
  const std::vector<RowSelection> sel = {
      make_selection({{5, 4000000000u, 70000}}),
      make_selection({{70000, 4000000000u}}),
      make_selection({{}}),
  };
  const RassPlan plan = rass_plan(pointers(sel), 0, 1);
  CHECK(plan.order == std::vector<std::uint32_t>{70000, 4000000000u, 5});
  CHECK(plan.sharers == std::vector<std::uint32_t>{2, 2, 1});
  CHECK(plan.loads_without_rass == brute_lru_loads(sel, 0, 1));
}

TEST_CASE("RASS with no selected rows plans nothing", "[rass]") {
  const std::vector<RowSelection> sel = {make_selection({{}, {3}}), make_selection({{}, {}})};
  const RassPlan plan = rass_plan(pointers(sel), 0, 4);
  CHECK(plan.order.empty());
  CHECK(plan.loads_with_rass == 0);
  CHECK(plan.loads_without_rass == 0);
  CHECK(rass_plan({}, 0, 4).order.empty());
}

TEST_CASE("RASS rejects bad input with a message", "[rass]") {
  const std::vector<RowSelection> sel = {make_selection({{1, 2}}), make_selection({{2, 3, 2}})};
  CHECK_THROWS_WITH(rass_plan(pointers(sel), 0, 0), Catch::Contains("twice"));
  CHECK_THROWS_WITH(rass_plan(pointers(sel), 1, 0), Catch::Contains("no tile 1"));
  std::vector<const RowSelection*> with_null = {&sel[0], nullptr};
  CHECK_THROWS_WITH(rass_plan(with_null, 0, 0), Catch::Contains("null"));
  RowSelection broken = make_selection({{1, 2}});
  broken.tile_start = {0, 5};
  CHECK_THROWS_AS(rass_plan({&broken}, 0, 0), std::invalid_argument);
}
