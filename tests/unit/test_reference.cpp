// The double-precision references and accuracy metrics: the truth every model is checked against,
// so they are checked here against cases computed by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "common/selection.h"
#include "reference/accuracy_metrics.h"
#include "reference/dense_reference.h"
#include "reference/generators.h"

using namespace star;

namespace {

MatD mat(std::size_t rows, std::size_t cols, std::vector<double> values) {
  MatD m(rows, cols);
  REQUIRE(values.size() == m.size());
  std::copy(values.begin(), values.end(), m.data());
  return m;
}

MatD random_mat(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  return as_double(generate_qkv(RowType::gaussian, static_cast<std::uint32_t>(rows),
                                static_cast<std::uint32_t>(rows), static_cast<std::uint32_t>(cols),
                                seed)
                       .q);
}

double max_abs_diff(const MatD& a, const MatD& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  double m = 0;
  for (std::size_t n = 0; n < a.size(); ++n) m = std::max(m, std::fabs(a.data()[n] - b.data()[n]));
  return m;
}

}  // namespace

TEST_CASE("dense_attention: two keys with a known softmax", "[reference]") {
  // d = 4, so the scale is 1/2: score_0 = (2 ln 3) / 2 = ln 3, score_1 = 0 -> p = (3/4, 1/4).
  const MatD q = mat(1, 4, {2 * std::log(3.0), 0, 0, 0});
  const MatD k = mat(2, 4, {1, 0, 0, 0, 0, 0, 0, 0});
  const MatD v = mat(2, 4, {4, 0, 1, -8, 8, 4, 1, 8});
  const MatD s = scores(q, k);
  CHECK(s(0, 0) == Approx(std::log(3.0)).epsilon(1e-14));
  CHECK(s(0, 1) == 0.0);
  const MatD o = dense_attention(q, k, v, false);
  CHECK(o(0, 0) == Approx(0.75 * 4 + 0.25 * 8).epsilon(1e-14));
  CHECK(o(0, 1) == Approx(1.0).epsilon(1e-14));
  CHECK(o(0, 2) == Approx(1.0).epsilon(1e-14));
  CHECK(o(0, 3) == Approx(0.75 * -8 + 0.25 * 8).epsilon(1e-14));
}

TEST_CASE("dense_attention: every row is a convex combination of V rows", "[reference]") {
  const MatD q = random_mat(16, 8, 1), k = random_mat(40, 8, 2);
  MatD v = random_mat(40, 8, 3);
  for (std::size_t j = 0; j < v.rows(); ++j) v(j, 7) = 1.0;  // a constant column must come out as 1
  for (bool causal : {false, true}) {
    const MatD o = dense_attention(q, k, v, causal);
    for (std::size_t i = 0; i < o.rows(); ++i) {
      CHECK(o(i, 7) == Approx(1.0).epsilon(1e-12));
      for (std::size_t c = 0; c < 7; ++c) {
        double lo = 1e300, hi = -1e300;
        for (std::size_t j = 0; j < v.rows(); ++j)
          lo = std::min(lo, v(j, c)), hi = std::max(hi, v(j, c));
        CHECK(o(i, c) >= lo);
        CHECK(o(i, c) <= hi);
      }
    }
  }
}

TEST_CASE("causal convention: query i sits at position i + offset", "[reference]") {
  const MatD q = random_mat(6, 8, 4), k = random_mat(6, 8, 5), v = random_mat(6, 8, 6);
  CHECK(default_causal_offset(6, 6) == 0);
  CHECK(default_causal_offset(2, 6) == 4);
  CHECK(visible_key_count(0, 6, true, 0) == 1);
  CHECK(visible_key_count(1, 6, true, 4) == 6);
  CHECK(visible_key_count(0, 6, false, 0) == 6);
  CHECK_THROWS_AS(default_causal_offset(7, 6), std::invalid_argument);

  const MatD o = dense_attention(q, k, v, true);                  // n_q == S: offset 0
  for (std::size_t c = 0; c < 8; ++c) CHECK(o(0, c) == v(0, c));  // query 0 sees only key 0
  // Row i equals unmasked attention over the first i + 1 keys.
  for (std::size_t i = 0; i < 6; ++i) {
    MatD qi(1, 8), ki(i + 1, 8), vi(i + 1, 8);
    std::copy(q.row(i), q.row(i) + 8, qi.data());
    std::copy(k.data(), k.data() + ki.size(), ki.data());
    std::copy(v.data(), v.data() + vi.size(), vi.data());
    const MatD oi = dense_attention(qi, ki, vi, false);
    for (std::size_t c = 0; c < 8; ++c) CHECK(o(i, c) == Approx(oi(0, c)).epsilon(1e-12));
  }
  // Default offset with fewer queries: the last query sees every key, like the unmasked row.
  MatD tail(2, 8);
  std::copy(q.row(4), q.row(4) + 16, tail.data());
  const MatD masked = dense_attention(tail, k, v, true), full = dense_attention(tail, k, v, false);
  for (std::size_t c = 0; c < 8; ++c) CHECK(masked(1, c) == full(1, c));
  CHECK(max_abs_diff(masked, full) > 1e-6);  // but the row before it does not
  // An explicit offset overrides the default.
  const MatD o_explicit = dense_attention(tail, k, v, true, 0);
  for (std::size_t c = 0; c < 8; ++c) CHECK(o_explicit(0, c) == v(0, c));
}

TEST_CASE("sparse_attention over all keys equals dense attention", "[reference]") {
  const MatD q = random_mat(12, 16, 7), k = random_mat(50, 16, 8), v = random_mat(50, 16, 9);
  std::vector<std::vector<std::uint32_t>> all(12, std::vector<std::uint32_t>(50));
  for (auto& row : all) std::iota(row.rbegin(), row.rend(), 0u);  // order must not matter
  CHECK(max_abs_diff(sparse_attention(q, k, v, all), dense_attention(q, k, v, false)) < 1e-12);

  // A single key gives its V row; an empty set gives zeros.
  std::vector<std::vector<std::uint32_t>> one(12);
  one[0] = {17};
  const MatD o = sparse_attention(q, k, v, one);
  for (std::size_t c = 0; c < 16; ++c) {
    CHECK(o(0, c) == v(17, c));
    CHECK(o(1, c) == 0.0);
  }
}

TEST_CASE("sparse_attention restricts the softmax to the set", "[reference]") {
  // d = 1: scores are q*k. Keys 0..2 score ln 3, 0, 100; the set {0, 1} ignores the huge key 2.
  const MatD q = mat(1, 1, {1.0});
  const MatD k = mat(3, 1, {std::log(3.0), 0.0, 100.0});
  const MatD v = mat(3, 1, {4.0, 8.0, -1000.0});
  CHECK(sparse_attention(q, k, v, {{1, 0}})(0, 0) == Approx(5.0).epsilon(1e-14));
}

TEST_CASE("exact_topk_sets: largest scores, ties to the lower index, causal clamp", "[reference]") {
  // d = 1, q = 1: scores equal the keys. Keys 1, 3, 4 tie at 2.0.
  const MatD q = mat(1, 1, {1.0});
  const MatD k = mat(6, 1, {0.5, 2.0, -1.0, 2.0, 2.0, 3.0});
  using Sets = std::vector<std::vector<std::uint32_t>>;
  CHECK(exact_topk_sets(q, k, false, {1}) == Sets{{5}});
  CHECK(exact_topk_sets(q, k, false, {3}) == Sets{{1, 3, 5}});
  CHECK(exact_topk_sets(q, k, false, {4}) == Sets{{1, 3, 4, 5}});
  CHECK(exact_topk_sets(q, k, false, {0}) == Sets{{}});
  CHECK(exact_topk_sets(q, k, false, {99}) == Sets{{0, 1, 2, 3, 4, 5}});  // clamped to S

  // Causal, n_q == S: row i sees keys 0..i, so k is clamped to i + 1.
  const MatD q6 = mat(6, 1, {1, 1, 1, 1, 1, 1});
  const Sets causal = exact_topk_sets(q6, k, true, {2});
  CHECK(causal == Sets{{0}, {0, 1}, {0, 1}, {1, 3}, {1, 3}, {1, 5}});
  // Per-row k.
  CHECK(exact_topk_sets(q6, k, true, {1, 1, 1, 3, 1, 2}) ==
        Sets{{0}, {1}, {1}, {0, 1, 3}, {1}, {1, 5}});
  // Default offset with n_q < S: the last row sees everything.
  const MatD q2 = mat(2, 1, {1, 1});
  CHECK(exact_topk_sets(q2, k, true, {2}) == Sets{{1, 3}, {1, 5}});
  CHECK(exact_topk_sets(q2, k, true, {1}) == Sets{{1}, {5}});
}

TEST_CASE("exact_topk_sets agrees with a full sort on random rows", "[reference]") {
  const MatD q = random_mat(20, 16, 10), k = random_mat(200, 16, 11);
  const auto sets = exact_topk_sets(q, k, false, {13});
  const MatD s = scores(q, k);
  for (std::size_t i = 0; i < q.rows(); ++i) {
    std::vector<std::uint32_t> order(200);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return s(i, a) > s(i, b); });
    order.resize(13);
    std::sort(order.begin(), order.end());
    CHECK(sets[i] == order);
  }
}

TEST_CASE("references reject bad shapes and key indices", "[reference]") {
  const MatD q = random_mat(4, 8, 12), k = random_mat(10, 8, 13), v = random_mat(10, 8, 14);
  CHECK_THROWS_AS(dense_attention(q, random_mat(10, 4, 1), v, false), std::invalid_argument);
  CHECK_THROWS_AS(dense_attention(q, k, random_mat(9, 8, 1), false), std::invalid_argument);
  CHECK_THROWS_AS(dense_attention(q, MatD(0, 8), MatD(0, 8), false), std::invalid_argument);
  CHECK_THROWS_AS(dense_attention(random_mat(11, 8, 1), k, v, true), std::invalid_argument);
  CHECK_THROWS_AS(sparse_attention(q, k, v, {{0}, {1}, {2}}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_attention(q, k, v, {{0}, {1}, {2}, {10}}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_attention(q, k, v, {{0}, {1, 1}, {2}, {3}}), std::invalid_argument);
  CHECK_THROWS_AS(exact_topk_sets(q, k, false, {1, 2}), std::invalid_argument);
  CHECK_THROWS_AS(exact_topk_sets(q, k, false, {}), std::invalid_argument);
}

TEST_CASE("topk_recall on hand cases", "[metrics]") {
  CHECK(topk_recall({{1, 2}}, {{2, 3}}) == 0.5);
  CHECK(topk_recall({{1, 2}, {5}}, {{2, 3}, {5}}) == 0.75);
  CHECK(topk_recall({{1, 2}, {5}}, {{2, 3}, {}}) == 0.5);  // empty exact rows are skipped
  CHECK(topk_recall({{2, 2, 2}}, {{2, 3}}) == 0.5);        // duplicates count once
  CHECK(topk_recall({{}}, {{}}) == 1.0);
  CHECK_THROWS_AS(topk_recall({{1}}, {{1}, {2}}), std::invalid_argument);
}

TEST_CASE("softmax_mass on hand cases", "[metrics]") {
  // d = 1: scores ln 3 and 0 -> probabilities 3/4 and 1/4.
  const MatD q = mat(1, 1, {1.0});
  const MatD k = mat(2, 1, {std::log(3.0), 0.0});
  CHECK(softmax_mass(q, k, false, {{0, 1}}) == Approx(1.0).epsilon(1e-14));
  CHECK(softmax_mass(q, k, false, {{0}}) == Approx(0.75).epsilon(1e-14));
  CHECK(softmax_mass(q, k, false, {{1}}) == Approx(0.25).epsilon(1e-14));
  CHECK(softmax_mass(q, k, false, {{}}) == 0.0);
  // Causal with n_q == S: row 0 sees only key 0, so selecting it captures everything.
  const MatD q2 = mat(2, 1, {1.0, 1.0});
  CHECK(softmax_mass(q2, k, true, {{0}, {0}}) == Approx((1.0 + 0.75) / 2).epsilon(1e-14));
  CHECK_THROWS_AS(softmax_mass(q, k, false, {{2}}), std::invalid_argument);
}

TEST_CASE("softmax_mass of all keys is 1 on a large random case", "[metrics]") {
  const MatD q = random_mat(300, 16, 20), k = random_mat(300, 16, 21);
  std::vector<std::vector<std::uint32_t>> all(300, std::vector<std::uint32_t>(300));
  for (auto& row : all) std::iota(row.begin(), row.end(), 0u);
  CHECK(softmax_mass(q, k, false, all) == Approx(1.0).epsilon(1e-12));  // crosses the row blocks
  CHECK(softmax_mass(q, k, true, all) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("output_error on hand cases", "[metrics]") {
  const MatD ref = mat(1, 2, {3.0, 4.0});  // ||R||_F = 5
  const OutputError zero = output_error(ref, ref);
  CHECK(zero.max_abs == 0.0);
  CHECK(zero.rel_fro == 0.0);
  const OutputError e = output_error(mat(1, 2, {3.0, 7.0}), ref);
  CHECK(e.max_abs == 3.0);
  CHECK(e.rel_fro == Approx(0.6).epsilon(1e-14));
  MatF f(1, 2);
  f(0, 0) = 3.0f;
  f(0, 1) = 4.5f;
  CHECK(output_error(f, ref).max_abs == 0.5);
  CHECK(output_error(mat(1, 2, {0.0, 2.0}), MatD(1, 2)).rel_fro ==
        2.0);  // zero reference: absolute
  CHECK_THROWS_AS(output_error(MatD(2, 1), ref), std::invalid_argument);
}

TEST_CASE("accuracy_report: exact top-k selection and a degraded one", "[metrics]") {
  const auto in = generate_qkv(RowType::dominant, 32, 256, 32, 5);
  const MatD q = as_double(in.q), k = as_double(in.k), v = as_double(in.v);
  const auto exact = exact_topk_sets(q, k, true, {32});
  const MatD out = sparse_attention(q, k, v, exact);
  const AccuracyReport r = accuracy_report(q, k, v, true, exact, out);
  CHECK(r.recall == 1.0);
  CHECK(r.max_abs_vs_topk == 0.0);
  CHECK(r.rel_fro_vs_topk == 0.0);
  CHECK(r.softmax_mass > 0.5);
  CHECK(r.softmax_mass < 1.0);
  CHECK(r.rel_fro_vs_dense > 0.0);
  // The dense output itself: zero error vs dense, but not vs the top-k output.
  const AccuracyReport rd = accuracy_report(q, k, v, true, exact, dense_attention(q, k, v, true));
  CHECK(rd.max_abs_vs_dense == 0.0);
  CHECK(rd.max_abs_vs_topk == Approx(r.max_abs_vs_dense).epsilon(1e-12));

  // Swap each row's best key for its worst visible one: recall and mass must drop.
  auto worse = exact;
  const MatD s = scores(q, k);
  const std::uint32_t offset = default_causal_offset(32, 256);
  for (std::size_t i = 0; i < worse.size(); ++i) {
    auto& set = worse[i];
    const auto best =
        std::max_element(set.begin(), set.end(), [&](auto a, auto b) { return s(i, a) < s(i, b); });
    std::uint32_t worst = 0;
    for (std::uint32_t j = 0; j < visible_key_count(i, 256, true, offset); ++j)
      if (s(i, j) < s(i, worst)) worst = j;
    *best = worst;
  }
  const AccuracyReport rw = accuracy_report(q, k, v, true, worse, MatF(32, 32));
  CHECK(rw.recall == Approx(31.0 / 32.0));
  CHECK(rw.softmax_mass < r.softmax_mass);
  CHECK(rw.max_abs_vs_dense > 0.0);
}

TEST_CASE("key_sets drops the tile grouping of row selections", "[metrics]") {
  RowSelection row;
  row.keys = {7, 3, 9};
  row.tile_start = {0, 2, 3};
  const KeySets sets = key_sets({row, RowSelection{}});
  CHECK(sets == KeySets{{7, 3, 9}, {}});
}

TEST_CASE("metrics honour an explicit causal offset (a query block inside a prefill)",
          "[metrics]") {
  // 4 queries at positions 2..5 of a 10-key sequence: offset 2, not the default 10 - 4 = 6.
  const auto in = generate_qkv(RowType::gaussian, 4, 10, 8, 31);
  const MatD q = as_double(in.q), k = as_double(in.k), v = as_double(in.v);
  const auto exact = exact_topk_sets(q, k, true, {2}, 2);
  for (std::size_t i = 0; i < exact.size(); ++i) CHECK(exact[i].back() <= i + 2);
  // Selecting every visible key captures all the mass only with the right offset.
  std::vector<std::vector<std::uint32_t>> visible(4);
  for (std::uint32_t i = 0; i < 4; ++i)
    for (std::uint32_t j = 0; j <= i + 2; ++j) visible[i].push_back(j);
  CHECK(softmax_mass(q, k, true, visible, 2) == Approx(1.0).epsilon(1e-12));
  CHECK(softmax_mass(q, k, true, visible) < 0.99);
  const MatD out = dense_attention(q, k, v, true, 2);
  const AccuracyReport r = accuracy_report(q, k, v, true, visible, out, 2);
  CHECK(r.recall == 1.0);
  CHECK(r.max_abs_vs_dense == 0.0);
  CHECK(r.max_abs_vs_topk < 1e-12);
  CHECK(accuracy_report(q, k, v, true, visible, out).max_abs_vs_dense > 1e-6);
}
