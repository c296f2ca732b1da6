// SADS model tests: selection semantics, radius clipping, masking, and the fast path against a
// literal pass-by-pass simulation of the 16-to-4 bitonic sort core.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "sads/sads_model.h"

using namespace star;

namespace {

// ---- literal model of the hardware: a real bitonic network, run pass by pass ----

struct Slot {
  bool empty = true;
  std::int64_t score = 0;
  std::uint32_t key = 0;
};

// a goes first: non-empty before empty, higher score first, lower key first on ties.
bool goes_first(const Slot& a, const Slot& b) {
  if (a.empty != b.empty) return !a.empty;
  if (a.empty) return false;
  return a.score > b.score || (a.score == b.score && a.key < b.key);
}

// Full bitonic sorting network (best first); returns the compare-exchanges it executed.
std::uint64_t bitonic_sort(std::vector<Slot>& v) {
  const std::size_t n = v.size();
  std::uint64_t compares = 0;
  for (std::size_t k = 2; k <= n; k <<= 1)
    for (std::size_t j = k >> 1; j > 0; j >>= 1)
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t l = i ^ j;
        if (l <= i) continue;
        ++compares;
        const bool best_first = (i & k) == 0;
        if (best_first ? goes_first(v[l], v[i]) : goes_first(v[i], v[l])) std::swap(v[i], v[l]);
      }
  return compares;
}

void literal_subsegment(const std::int64_t* a, std::uint32_t first, std::uint32_t len,
                        std::uint32_t n_valid, const SadsConfig& cfg,
                        std::vector<std::uint32_t>& keys, OpCounts& ops) {
  const std::uint32_t valid = n_valid <= first ? 0 : std::min(len, n_valid - first);
  const std::uint32_t budget = subsegment_budget(cfg.keep, valid);
  const std::uint32_t per_pass = cfg.core_outputs;
  const std::uint32_t per_step = cfg.core_inputs - cfg.core_outputs;
  const bool clipping = cfg.radius >= 0;
  std::vector<std::uint32_t> cands;
  for (std::uint32_t i = 0; i < valid; ++i) cands.push_back(first + i);
  std::vector<std::uint32_t> kept;  // in core output order
  std::int64_t floor = std::numeric_limits<std::int64_t>::min();
  for (int pass = 1; kept.size() < budget && !cands.empty(); ++pass) {
    if (pass == 2 && clipping) {  // the clipping unit checks each remaining candidate once
      std::vector<std::uint32_t> survivors;
      for (std::uint32_t c : cands) {
        ++ops.compares;
        if (a[c] >= floor) survivors.push_back(c);
      }
      cands = survivors;
      if (cands.empty()) break;
    }
    std::vector<Slot> retained(per_pass);
    for (std::size_t at = 0; at < cands.size(); at += per_step) {
      std::vector<Slot> in(retained);
      in.resize(cfg.core_inputs);
      for (std::size_t j = 0; j < per_step && at + j < cands.size(); ++j)
        in[per_pass + j] = Slot{false, a[cands[at + j]], cands[at + j]};
      ops.compares += bitonic_sort(in);
      ++ops.sort_steps;
      retained.assign(in.begin(), in.begin() + per_pass);
    }
    bool clipped = false;
    const std::size_t want = std::min<std::size_t>(per_pass, budget - kept.size());
    for (std::size_t j = 0; j < want && !retained[j].empty; ++j) {
      const Slot& s = retained[j];
      if (pass == 1 && j == 0 && clipping) floor = s.score - cfg.radius;
      cands.erase(std::find(cands.begin(), cands.end(), s.key));
      if (pass == 1 && j > 0 && clipping) {
        ++ops.compares;
        if (s.score < floor) {
          clipped = true;
          continue;
        }
      }
      kept.push_back(s.key);
    }
    if (clipped) break;
  }
  if (kept.size() > 2) std::sort(kept.begin() + 2, kept.end());
  keys.insert(keys.end(), kept.begin(), kept.end());
}

RowSelection literal_row(const std::int64_t* a, const KeyTiling& t, std::uint32_t n_valid,
                         const SadsConfig& cfg, OpCounts& ops) {
  RowSelection sel;
  for (std::uint32_t i = 0; i < t.n_tiles(); ++i) {
    literal_subsegment(a, t.tile_first(i), t.tile_len(i), n_valid, cfg, sel.keys, ops);
    sel.tile_start.push_back(static_cast<std::uint32_t>(sel.keys.size()));
  }
  return sel;
}

std::vector<std::int64_t> random_row(std::mt19937_64& rng, std::size_t n, std::int64_t range) {
  std::uniform_int_distribution<std::int64_t> d(-range, range);
  std::vector<std::int64_t> row(n);
  for (auto& x : row) x = d(rng);
  return row;
}

}  // namespace

TEST_CASE("SADS budget per sub-segment and comparator count", "[sads]") {
  CHECK(subsegment_budget(0.25, 0) == 0);
  CHECK(subsegment_budget(0.25, 1) == 1);
  CHECK(subsegment_budget(0.25, 10) == 3);  // 2.5 rounds away from zero
  CHECK(subsegment_budget(0.01, 10) == 1);  // never below one key
  CHECK(subsegment_budget(1.0, 7) == 7);
  CHECK(bitonic_comparators(16) == 80);
  CHECK(bitonic_comparators(8) == 24);
  CHECK(bitonic_comparators(4) == 6);
  std::vector<Slot> probe(16);
  CHECK(bitonic_sort(probe) == 80);  // the literal network agrees with the formula
}

TEST_CASE("SADS with one sub-segment and no radius is the exact top-k", "[sads]") {
  std::mt19937_64 rng(11);
  SadsConfig cfg;
  for (int trial = 0; trial < 40; ++trial) {
    const std::uint32_t n = 1 + static_cast<std::uint32_t>(rng() % 300);
    const auto row = random_row(rng, n, trial % 2 ? 5 : 100000);  // odd trials: many ties
    cfg.keep = 0.05 + 0.95 * static_cast<double>(rng() % 1000) / 1000.0;
    OpCounts ops;
    RowSelection sel = sads_select_row(row.data(), KeyTiling{n, n}, n, cfg, ops);
    std::vector<std::uint32_t> got = sel.keys;
    std::sort(got.begin(), got.end());
    CHECK(got == exact_topk(row.data(), n, subsegment_budget(cfg.keep, n)));
  }
}

TEST_CASE("SADS handles scores at the ends of the int64 range", "[sads]") {
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  std::mt19937_64 rng(13);
  std::vector<std::int64_t> row(200);
  for (auto& x : row) x = rng() % 3 == 0 ? (rng() % 2 ? lo : hi) : static_cast<std::int64_t>(rng());
  SadsConfig cfg;
  for (double keep : {0.1, 0.25, 0.5, 0.9}) {
    cfg.keep = keep;
    OpCounts ops;
    RowSelection sel = sads_select_row(row.data(), KeyTiling{200, 200}, 200, cfg, ops);
    std::vector<std::uint32_t> got = sel.keys;
    std::sort(got.begin(), got.end());
    CHECK(got == exact_topk(row.data(), 200, subsegment_budget(keep, 200)));
    CHECK(row[sel.keys[0]] == hi);
  }
  // Max - r below the int64 range saturates: nothing is clipped.
  std::vector<std::int64_t> low(200);
  for (auto& x : low) x = lo + static_cast<std::int64_t>(rng() % 100);
  cfg.radius = 1000;
  OpCounts ops;
  CHECK(sads_select_row(low.data(), KeyTiling{200, 50}, 200, cfg, ops).count() == 4 * 45);
}

TEST_CASE("SADS keeps exactly the budget of every sub-segment, never a masked key", "[sads]") {
  std::mt19937_64 rng(5);
  const std::uint32_t S = 1000, bc = 96;
  const auto row = random_row(rng, S, 1000);
  for (std::uint32_t n_valid : {1u, 37u, 500u, 999u, 1000u}) {
    SadsConfig cfg;
    OpCounts ops;
    const KeyTiling tiling{S, bc};
    RowSelection sel = sads_select_row(row.data(), tiling, n_valid, cfg, ops);
    REQUIRE(sel.n_tiles() == tiling.n_tiles());
    for (std::uint32_t t = 0; t < tiling.n_tiles(); ++t) {
      const std::uint32_t first = tiling.tile_first(t);
      const std::uint32_t valid =
          n_valid <= first ? 0 : std::min(tiling.tile_len(t), n_valid - first);
      CHECK(sel.tile_size(t) == subsegment_budget(cfg.keep, valid));
      for (std::size_t j = 0; j < sel.tile_size(t); ++j) {
        const std::uint32_t key = sel.tile_begin(t)[j];
        CHECK(key < n_valid);
        CHECK(key >= first);
        CHECK(key < first + tiling.tile_len(t));
      }
    }
  }
}

TEST_CASE("SADS puts the predicted top-1 and top-2 first, the rest in index order", "[sads]") {
  // tile 0: max 9 at keys 2 and 5 (tie: key 2 is top-1, key 5 top-2); tile 1: max 7 at key 9
  const std::vector<std::int64_t> row{1, 3, 9, 4, 8, 9, 0, 2, 5, 7, 6, 1};
  SadsConfig cfg;
  cfg.keep = 0.5;
  OpCounts ops;
  RowSelection sel = sads_select_row(row.data(), KeyTiling{12, 6}, 12, cfg, ops);
  CHECK(sel.keys == std::vector<std::uint32_t>{2, 5, 4, 9, 10, 8});
  CHECK(sel.tile_start == std::vector<std::uint32_t>{0, 3, 6});
}

TEST_CASE("SADS radius clipping drops keys below Max - r", "[sads]") {
  const std::vector<std::int64_t> row{100, 90, 50, 95, 10, 80, 99, 20};
  SadsConfig cfg;
  cfg.keep = 0.75;  // budget 6 of 8
  cfg.radius = 15;  // feasible range [85, 100]: keys 0, 1, 3, 6
  OpCounts ops;
  RowSelection sel = sads_select_row(row.data(), KeyTiling{8, 8}, 8, cfg, ops);
  CHECK(sel.keys == std::vector<std::uint32_t>{0, 6, 1, 3});
  // pass 1 (8 values, 1 step) keeps 100 99 95 90 (3 clip checks, all pass); pass 2 checks the 4
  // others (all dropped) and streams nothing.
  CHECK(ops.sort_steps == 1);
  CHECK(ops.compares == 80 + 3 + 4);
  cfg.radius = 0;  // only the maximum survives
  sel = sads_select_row(row.data(), KeyTiling{8, 8}, 8, cfg, ops);
  CHECK(sel.keys == std::vector<std::uint32_t>{0});
  cfg.radius = -1;
  sel = sads_select_row(row.data(), KeyTiling{8, 8}, 8, cfg, ops);
  CHECK(sel.count() == 6);
}

TEST_CASE("SADS counts sort steps from the pass structure", "[sads]") {
  SadsConfig cfg;
  cfg.keep = 0.5;
  // 30 candidates, budget 15: passes stream 30, 26, 22, 18 values -> 3 + 3 + 2 + 2 steps
  const OpCounts c = sads_pass_counts(30, 15, 30, cfg);
  CHECK(c.sort_steps == 10);
  CHECK(c.compares == 800);
  CHECK(sads_pass_counts(0, 0, 0, cfg) == OpCounts{});
  CHECK_THROWS_AS(sads_pass_counts(10, 11, 10, cfg), std::invalid_argument);
}

TEST_CASE("SADS fast path equals the literal pass-by-pass core", "[sads]") {
  std::mt19937_64 rng(2024);
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> cores{{16, 4}, {8, 2}, {32, 8}, {4, 1}};
  for (int trial = 0; trial < 300; ++trial) {
    const std::uint32_t S = 1 + static_cast<std::uint32_t>(rng() % 400);
    const std::uint32_t bc = 1 + static_cast<std::uint32_t>(rng() % S);
    const std::int64_t range = trial % 3 == 0 ? 3 : (trial % 3 == 1 ? 200 : 1000000000000LL);
    const auto row = random_row(rng, S, range);
    SadsConfig cfg;
    cfg.keep = 0.02 + 0.98 * static_cast<double>(rng() % 1000) / 1000.0;
    cfg.radius = trial % 2 ? -1 : static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * range + 1));
    const auto core = cores[static_cast<std::size_t>(trial) % cores.size()];
    cfg.core_inputs = core.first;
    cfg.core_outputs = core.second;
    const std::uint32_t n_valid = trial % 4 == 0 ? 1 + static_cast<std::uint32_t>(rng() % S) : S;
    const KeyTiling tiling{S, bc};
    OpCounts fast_ops, literal_ops;
    const RowSelection fast = sads_select_row(row.data(), tiling, n_valid, cfg, fast_ops);
    const RowSelection literal = literal_row(row.data(), tiling, n_valid, cfg, literal_ops);
    INFO("trial " << trial << " S " << S << " B_c " << bc << " keep " << cfg.keep << " radius "
                  << cfg.radius << " n_valid " << n_valid);
    REQUIRE(fast.keys == literal.keys);
    REQUIRE(fast.tile_start == literal.tile_start);
    REQUIRE(fast_ops == literal_ops);
  }
}

TEST_CASE("SADS is deterministic", "[sads]") {
  std::mt19937_64 rng(9);
  const auto row = random_row(rng, 2048, 4);  // heavy ties
  SadsConfig cfg;
  cfg.radius = 3;
  OpCounts a, b;
  const RowSelection first = sads_select_row(row.data(), KeyTiling{2048, 256}, 2048, cfg, a);
  const RowSelection again = sads_select_row(row.data(), KeyTiling{2048, 256}, 2048, cfg, b);
  CHECK(first.keys == again.keys);
  CHECK(first.tile_start == again.tile_start);
  CHECK(a == b);
}

TEST_CASE("exact_topk breaks ties toward the lower index", "[sads]") {
  const std::vector<double> d{1.0, 3.0, 3.0, 2.0, 3.0};
  CHECK(exact_topk(d.data(), 5, 2) == std::vector<std::uint32_t>{1, 2});
  CHECK(exact_topk(d.data(), 5, 4) == std::vector<std::uint32_t>{1, 2, 3, 4});
  const std::vector<std::int64_t> i{5, 5, 5};
  CHECK(exact_topk(i.data(), 3, 1) == std::vector<std::uint32_t>{0});
  CHECK(exact_topk(i.data(), 3, 0).empty());
  CHECK_THROWS_AS(exact_topk(i.data(), 3, 4), std::invalid_argument);
  const std::vector<double> nan{1.0, std::numeric_limits<double>::quiet_NaN()};
  CHECK_THROWS_AS(exact_topk(nan.data(), 2, 1), std::invalid_argument);
}

TEST_CASE("SADS rejects bad parameters", "[sads]") {
  const std::vector<std::int64_t> row(8, 1);
  OpCounts ops;
  SadsConfig cfg;
  CHECK_THROWS_AS(sads_select_row(row.data(), KeyTiling{8, 0}, 8, cfg, ops), std::invalid_argument);
  CHECK_THROWS_AS(sads_select_row(row.data(), KeyTiling{8, 4}, 9, cfg, ops), std::invalid_argument);
  CHECK_THROWS_AS(sads_select_row(nullptr, KeyTiling{8, 4}, 8, cfg, ops), std::invalid_argument);
  cfg.keep = 0.0;
  CHECK_THROWS_AS(sads_select_row(row.data(), KeyTiling{8, 4}, 8, cfg, ops), std::invalid_argument);
  cfg.keep = 1.5;
  CHECK_THROWS_AS(validate(cfg), std::invalid_argument);
  cfg.keep = 0.5;
  cfg.core_inputs = 12;
  CHECK_THROWS_AS(validate(cfg), std::invalid_argument);
  cfg.core_inputs = 16;
  cfg.core_outputs = 16;
  CHECK_THROWS_AS(validate(cfg), std::invalid_argument);
}
