// SU-FA model tests: exactness against a double-precision softmax attention, tile-size
// independence, the max guard under wrong predictions, and operation counts.
//
// Tolerance: max |O - O_ref| <= 1e-5 * max|V_real| (O_ref in double). The float datapath rounds
// each score once (relative 6e-8) and accumulates at most a few hundred weights in binary32, so
// its error is a few 1e-7 of max|V_real|; 1e-5 leaves margin yet catches any wrong weight.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "sads/sads_model.h"
#include "sufa/sufa_model.h"

using namespace star;

namespace {

struct Head {
  MatI16 q, k, v;
  double score_scale = 1.0;
  double v_scale = 1.0;
  SufaInputs inputs(const std::int64_t* predicted = nullptr) const {
    return SufaInputs{&q, &k, &v, score_scale, v_scale, predicted};
  }
  std::int64_t dot(std::size_t qi, std::size_t key) const {
    std::int64_t s = 0;
    for (std::size_t c = 0; c < q.cols(); ++c) s += std::int64_t{q(qi, c)} * k(key, c);
    return s;
  }
  std::vector<std::int64_t> dots(std::size_t qi) const {
    std::vector<std::int64_t> row(k.rows());
    for (std::size_t j = 0; j < k.rows(); ++j) row[j] = dot(qi, j);
    return row;
  }
  double max_abs_v() const {
    double m = 0;
    for (auto x : v.storage()) m = std::max(m, std::abs(double(x)) * v_scale);
    return m;
  }
};

Head random_head(std::mt19937_64& rng, std::size_t n_q, std::size_t n_k, std::size_t d) {
  std::uniform_int_distribution<int> val(-512, 512);
  Head h{MatI16(n_q, d), MatI16(n_k, d), MatI16(n_k, d)};
  for (auto* m : {&h.q, &h.k, &h.v})
    for (auto& x : m->storage()) x = static_cast<std::int16_t>(val(rng));
  // scores with a standard deviation of about 2.5, as real attention logits
  h.score_scale = 2.5 / (512.0 * 512.0 / 3.0 * std::sqrt(double(d)));
  h.v_scale = 1.0 / 128.0;
  return h;
}

// Dense softmax attention over `keys`, in double.
std::vector<double> reference(const Head& h, std::size_t qi, const std::vector<std::uint32_t>& keys) {
  double m = -INFINITY;
  for (auto j : keys) m = std::max(m, double(h.dot(qi, j)) * h.score_scale);
  std::vector<double> o(h.q.cols(), 0.0);
  double l = 0;
  for (auto j : keys) {
    const double p = std::exp(double(h.dot(qi, j)) * h.score_scale - m);
    l += p;
    for (std::size_t c = 0; c < o.size(); ++c) o[c] += p * h.v(j, c) * h.v_scale;
  }
  for (auto& x : o) x /= l;
  return o;
}

double max_error(const std::vector<float>& got, const std::vector<double>& want) {
  double e = 0;
  for (std::size_t c = 0; c < got.size(); ++c) e = std::max(e, std::abs(double(got[c]) - want[c]));
  return e;
}

std::vector<float> run(const Head& h, std::size_t qi, const RowSelection& sel, const SufaConfig& cfg,
                       OpCounts& ops, const std::int64_t* predicted = nullptr) {
  std::vector<float> out(h.q.cols());
  sufa_row(h.inputs(predicted), qi, sel, h.k.rows(), cfg, out.data(), ops);
  return out;
}

// Every key selected, each tile in SADS order (exact top-1, top-2, rest by index).
RowSelection all_keys(const std::vector<std::int64_t>& exact, std::uint32_t bc) {
  SadsConfig cfg;
  cfg.keep = 1.0;
  OpCounts ignored;
  const auto n = static_cast<std::uint32_t>(exact.size());
  return sads_select_row(exact.data(), KeyTiling{n, bc}, n, cfg, ignored);
}

const SufaConfig kConfigs[] = {
    {SufaOrder::descending, MaxGuard::compare_update}, {SufaOrder::descending, MaxGuard::subtract_max},
    {SufaOrder::ascending, MaxGuard::compare_update},  {SufaOrder::ascending, MaxGuard::subtract_max},
    {SufaOrder::unsorted, MaxGuard::compare_update},
};

}  // namespace

TEST_CASE("SU-FA order and guard names", "[sufa]") {
  for (auto o : {SufaOrder::descending, SufaOrder::ascending, SufaOrder::unsorted})
    CHECK(parse_sufa_order(to_string(o)) == o);
  for (auto g : {MaxGuard::compare_update, MaxGuard::subtract_max, MaxGuard::off})
    CHECK(parse_max_guard(to_string(g)) == g);
  CHECK_THROWS_WITH(parse_sufa_order("fa2"), Catch::Contains("descending, ascending, unsorted"));
  CHECK_THROWS_AS(parse_max_guard("none"), std::invalid_argument);
}

TEST_CASE("SU-FA with every key selected equals dense softmax attention", "[sufa]") {
  std::mt19937_64 rng(1);
  const Head h = random_head(rng, 4, 256, 32);
  const double tol = 1e-5 * h.max_abs_v();
  std::vector<std::uint32_t> every(256);
  for (std::uint32_t j = 0; j < 256; ++j) every[j] = j;
  for (std::size_t qi = 0; qi < 4; ++qi) {
    const auto exact = h.dots(qi);
    const auto want = reference(h, qi, every);
    for (std::uint32_t bc : {1u, 7u, 16u, 64u, 100u, 256u}) {
      const RowSelection sel = all_keys(exact, bc);
      for (const SufaConfig& cfg : kConfigs) {
        OpCounts ops;
        const auto got = run(h, qi, sel, cfg, ops, exact.data());
        INFO("B_c " << bc << " order " << to_string(cfg.order) << " guard " << to_string(cfg.guard));
        CHECK(max_error(got, want) <= tol);
        CHECK(ops.divisions == 32);
        CHECK(ops.macs == 2u * 32u * 256u);
      }
    }
  }
}

TEST_CASE("SU-FA does not depend on the tile size for the same key set", "[sufa]") {
  std::mt19937_64 rng(2);
  const Head h = random_head(rng, 1, 200, 16);
  const auto exact = h.dots(0);
  const double tol = 1e-5 * h.max_abs_v();
  for (const SufaConfig& cfg : kConfigs) {
    OpCounts ops;
    const auto a = run(h, 0, all_keys(exact, 8), cfg, ops, exact.data());
    const auto b = run(h, 0, all_keys(exact, 50), cfg, ops, exact.data());
    const auto c = run(h, 0, all_keys(exact, 200), cfg, ops, exact.data());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(std::abs(a[i] - b[i]) <= tol);
      CHECK(std::abs(a[i] - c[i]) <= tol);
    }
  }
}

TEST_CASE("SU-FA max guard keeps a wrong predicted maximum exact, and without it the result is wrong",
          "[sufa]") {
  std::mt19937_64 rng(3);
  const Head h = random_head(rng, 1, 96, 16);
  const auto exact = h.dots(0);
  // Wrong prediction: each tile of 16 starts with its *smallest* key, then the rest by index.
  RowSelection sel;
  sel.tile_start.clear();
  std::vector<std::uint32_t> all;
  for (std::uint32_t t = 0; t < 6; ++t) {
    sel.tile_start.push_back(static_cast<std::uint32_t>(sel.keys.size()));
    std::uint32_t lowest = 16 * t;
    for (std::uint32_t j = 16 * t; j < 16 * t + 16; ++j)
      if (exact[j] < exact[lowest]) lowest = j;
    sel.keys.push_back(lowest);
    for (std::uint32_t j = 16 * t; j < 16 * t + 16; ++j)
      if (j != lowest) sel.keys.push_back(j);
    for (std::uint32_t j = 16 * t; j < 16 * t + 16; ++j) all.push_back(j);
  }
  sel.tile_start.push_back(static_cast<std::uint32_t>(sel.keys.size()));
  const auto want = reference(h, 0, all);
  const double tol = 1e-5 * h.max_abs_v();
  OpCounts cu_ops, sm_ops, off_ops;
  CHECK(max_error(run(h, 0, sel, {SufaOrder::descending, MaxGuard::compare_update}, cu_ops), want) <= tol);
  CHECK(max_error(run(h, 0, sel, {SufaOrder::descending, MaxGuard::subtract_max}, sm_ops), want) <= tol);
  CHECK(max_error(run(h, 0, sel, {SufaOrder::descending, MaxGuard::off}, off_ops), want) > 1e-3 * h.max_abs_v());
  CHECK(cu_ops.rescales > 0);  // the guard fired
  CHECK(sm_ops.rescales == 0);
  CHECK(off_ops.rescales == 0);
}

TEST_CASE("SU-FA counts for one tile of three keys, by hand", "[sufa]") {
  // d = 2, Q = (1, 0), K rows give dots 2, 1, 3; V rows (10, 0), (0, 10), (5, 5)
  Head h{MatI16(1, 2), MatI16(3, 2), MatI16(3, 2)};
  h.q(0, 0) = 1;
  h.k(0, 0) = 2, h.k(1, 0) = 1, h.k(2, 0) = 3;
  h.v(0, 0) = 10, h.v(1, 1) = 10, h.v(2, 0) = 5, h.v(2, 1) = 5;
  const std::vector<std::int64_t> predicted{2, 1, 3};
  RowSelection sel;
  sel.keys = {2, 0, 1};  // SADS order: top-1 key 2, top-2 key 0, then key 1
  sel.tile_start = {0, 3};
  const auto want = reference(h, 0, {0, 1, 2});

  OpCounts d_ops, u_ops, a_ops;
  CHECK(max_error(run(h, 0, sel, {SufaOrder::descending, MaxGuard::compare_update}, d_ops), want) < 1e-5);
  CHECK(max_error(run(h, 0, sel, {SufaOrder::unsorted, MaxGuard::compare_update}, u_ops), want) < 1e-5);
  CHECK(max_error(run(h, 0, sel, {SufaOrder::ascending, MaxGuard::compare_update}, a_ops,
                      predicted.data()), want) < 1e-5);
  OpCounts d_want;  // reference key: no exp; 2 others: 1 exp + 1 compare each; no combine
  d_want.macs = 12, d_want.adds = 3, d_want.exps = 2, d_want.compares = 2, d_want.divisions = 2;
  CHECK(d_ops == d_want);
  OpCounts u_want;  // FA-2: 3 exps, 2 compares for the tile max, first tile needs no correction
  u_want.macs = 12, u_want.adds = 3, u_want.exps = 3, u_want.compares = 2, u_want.divisions = 2;
  CHECK(u_ops == u_want);
  OpCounts a_want;  // ascending 1, 2, 3: both later keys raise the reference
  a_want.macs = 12, a_want.adds = 3, a_want.exps = 4, a_want.compares = 2, a_want.rescales = 2;
  a_want.multiplies = 6, a_want.divisions = 2;
  CHECK(a_ops == a_want);

  // Two tiles {0, 1} and {2}: descending combines, FA-2 corrects once.
  sel.keys = {0, 1, 2};
  sel.tile_start = {0, 2, 3};
  OpCounts d2, u2;
  CHECK(max_error(run(h, 0, sel, {SufaOrder::descending, MaxGuard::compare_update}, d2), want) < 1e-5);
  CHECK(max_error(run(h, 0, sel, {SufaOrder::unsorted, MaxGuard::compare_update}, u2), want) < 1e-5);
  OpCounts d2_want;  // 1 key exp + 2 combine exps; 1 guard + 1 combine compare; combine 2 x 3 mults
  d2_want.macs = 12, d2_want.adds = 3 + 3, d2_want.exps = 3, d2_want.compares = 2;
  d2_want.multiplies = 6, d2_want.divisions = 2;
  CHECK(d2 == d2_want);
  OpCounts u2_want;  // 3 key exps + 1 correction; tile max 1 + running max 1; one rescale
  u2_want.macs = 12, u2_want.adds = 3, u2_want.exps = 4, u2_want.compares = 2, u2_want.rescales = 1;
  u2_want.multiplies = 3, u2_want.divisions = 2;
  CHECK(u2 == u2_want);
}

TEST_CASE("SU-FA descending needs fewer exps and rescales than FA-2 and ascending", "[sufa]") {
  std::mt19937_64 rng(4);
  const Head h = random_head(rng, 3, 512, 32);
  const double tol = 1e-5 * h.max_abs_v();
  for (std::size_t qi = 0; qi < 3; ++qi) {
    const auto exact = h.dots(qi);  // predicted = exact scores: the top-1 really is the max
    SadsConfig sads;
    OpCounts ignored;
    const RowSelection sel = sads_select_row(exact.data(), KeyTiling{512, 64}, 512, sads, ignored);
    const auto want = reference(h, qi, sel.keys);
    OpCounts d, u, a;
    CHECK(max_error(run(h, qi, sel, {SufaOrder::descending, MaxGuard::compare_update}, d), want) <= tol);
    CHECK(max_error(run(h, qi, sel, {SufaOrder::unsorted, MaxGuard::compare_update}, u), want) <= tol);
    CHECK(max_error(run(h, qi, sel, {SufaOrder::ascending, MaxGuard::compare_update}, a, exact.data()),
                    want) <= tol);
    CHECK(d.exps == sel.count());      // (n - 1) per tile + one combine exp per tile
    CHECK(u.exps == sel.count() + 7);  // + one correction per tile after the first
    CHECK(d.rescales == 0);
    CHECK(u.rescales == 7);
    CHECK(d.exps < u.exps);
    CHECK(d.exps < a.exps);
    CHECK(d.rescales < u.rescales);
    CHECK(d.rescales < a.rescales);
  }
}

TEST_CASE("SU-FA counts without data equal the functional counts", "[sufa]") {
  std::mt19937_64 rng(8);
  const Head h = random_head(rng, 2, 300, 16);
  std::uint64_t descending_fires = 0;
  for (std::size_t qi = 0; qi < 2; ++qi) {
    auto predicted = h.dots(qi);
    for (auto& p : predicted) p += static_cast<std::int64_t>(rng() % 200000) - 100000;  // noisy
    SadsConfig sads;
    OpCounts ignored;
    const RowSelection sel = sads_select_row(predicted.data(), KeyTiling{300, 64}, 300, sads, ignored);
    std::vector<std::uint32_t> sizes;
    for (std::size_t t = 0; t < sel.n_tiles(); ++t) sizes.push_back(static_cast<std::uint32_t>(sel.tile_size(t)));
    for (SufaConfig cfg : kConfigs) {
      for (MaxGuard g : {cfg.guard, MaxGuard::off}) {
        cfg.guard = g;
        OpCounts functional;
        run(h, qi, sel, cfg, functional, predicted.data());
        INFO(to_string(cfg.order) << " " << to_string(cfg.guard));
        const std::uint64_t fires = cfg.order == SufaOrder::unsorted ? 0 : functional.rescales;
        if (cfg.order == SufaOrder::descending) descending_fires += fires;
        CHECK(sufa_row_counts(sizes, 16, cfg, fires) == functional);
      }
    }
  }
  CHECK(descending_fires > 0);  // the noisy prediction did put wrong maxima first
  CHECK_THROWS_AS(sufa_row_counts({3}, 4, SufaConfig{SufaOrder::unsorted, MaxGuard::compare_update}, 1),
                  std::invalid_argument);
  CHECK_THROWS_AS(sufa_row_counts({3}, 4, SufaConfig{}, 3), std::invalid_argument);  // 2 at most
}

TEST_CASE("SU-FA tile-by-tile accumulator equals the row call", "[sufa]") {
  std::mt19937_64 rng(6);
  const Head h = random_head(rng, 1, 128, 8);
  const auto exact = h.dots(0);
  const RowSelection sel = all_keys(exact, 32);
  OpCounts row_ops, tile_ops;
  const auto whole = run(h, 0, sel, SufaConfig{}, row_ops);
  SufaRowAccumulator acc(h.inputs(), 0, 128, SufaConfig{});
  for (std::size_t t = 0; t < sel.n_tiles(); ++t) acc.add_tile(sel.tile_begin(t), sel.tile_size(t), tile_ops);
  std::vector<float> tiled(8);
  acc.finish(tiled.data(), tile_ops);
  CHECK(tiled == whole);
  CHECK(tile_ops == row_ops);
}

TEST_CASE("SU-FA rejects bad input", "[sufa]") {
  std::mt19937_64 rng(7);
  const Head h = random_head(rng, 2, 16, 4);
  RowSelection sel;
  sel.keys = {3, 1};
  sel.tile_start = {0, 2};
  std::vector<float> out(4);
  OpCounts ops;
  SufaConfig asc{SufaOrder::ascending, MaxGuard::compare_update};
  CHECK_THROWS_WITH(sufa_row(h.inputs(), 0, sel, 16, asc, out.data(), ops), Catch::Contains("predicted"));
  CHECK_THROWS_AS(sufa_row(h.inputs(), 2, sel, 16, SufaConfig{}, out.data(), ops), std::invalid_argument);
  RowSelection bad = sel;
  bad.keys = {3, 16};
  CHECK_THROWS_AS(sufa_row(h.inputs(), 0, bad, 16, SufaConfig{}, out.data(), ops), std::invalid_argument);
  bad = sel;
  bad.tile_start = {0, 3};
  CHECK_THROWS_AS(sufa_row(h.inputs(), 0, bad, 16, SufaConfig{}, out.data(), ops), std::invalid_argument);
  RowSelection empty;
  CHECK_THROWS_AS(sufa_row(h.inputs(), 0, empty, 16, SufaConfig{}, out.data(), ops), std::invalid_argument);
  const MatI16 wide(16, 5);
  SufaInputs in = h.inputs();
  in.v = &wide;
  CHECK_THROWS_AS(sufa_row(in, 0, sel, 16, SufaConfig{}, out.data(), ops), std::invalid_argument);
  const std::vector<std::int64_t> short_pred{1, 2};
  CHECK_THROWS_AS(sufa_row(h.inputs(short_pred.data()), 0, sel, 2, asc, out.data(), ops),
                  std::invalid_argument);
}
