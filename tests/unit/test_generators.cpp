// Input generators: deterministic bytes, and each row type has the property its name claims
// (measured on exact top-k sets, compared with plain Gaussian rows so the checks can fail).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>

#include "reference/accuracy_metrics.h"
#include "reference/dense_reference.h"
#include "reference/deterministic_rng.h"
#include "reference/generators.h"
#include "support/output_compare.h"

using namespace star;
using star::test::same_bits;

namespace {

std::uint64_t fnv1a(const MatF& m) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(m.data());
  for (std::size_t n = 0; n < m.size() * sizeof(float); ++n) h = (h ^ bytes[n]) * 0x100000001b3ull;
  return h;
}

// Row-type properties of a score matrix, each averaged over query rows.
struct RowStats {
  double hot_keys_in_top8 = 0;  // share of rows holding >= 3 of the 4 keys most often in a top-8
  bool key0_is_hot = false;
  double top16_in_window = 0;  // share of a row's top-16 inside its best window of S/8 keys
  double segments_hit = 0;     // distinct sub-segments (of 8) holding a row's top-16
  double mass_top10 = 0;       // dense softmax mass of the top 10 % keys
};

RowStats row_stats(const MatD& q, const MatD& k) {
  const std::size_t S = k.rows(), n = q.rows();
  RowStats st;
  const auto top8 = exact_topk_sets(q, k, false, {8});
  std::map<std::uint32_t, int> freq;
  for (const auto& set : top8)
    for (auto j : set) ++freq[j];
  std::vector<std::pair<int, std::uint32_t>> by_freq;
  for (const auto& f : freq) by_freq.push_back({f.second, f.first});
  std::sort(by_freq.rbegin(), by_freq.rend());
  std::set<std::uint32_t> hot;
  for (std::size_t h = 0; h < 4 && h < by_freq.size(); ++h) hot.insert(by_freq[h].second);
  st.key0_is_hot = hot.count(0) == 1;
  for (const auto& set : top8) {
    int c = 0;
    for (auto j : set) c += static_cast<int>(hot.count(j));
    st.hot_keys_in_top8 += c >= 3 ? 1.0 / n : 0.0;
  }
  const auto top16 = exact_topk_sets(q, k, false, {16});
  for (const auto& set : top16) {
    std::size_t best = 0;
    for (auto a : set) {
      std::size_t c = 0;
      for (auto b : set) c += (b >= a && b < a + S / 8) ? 1 : 0;
      best = std::max(best, c);
    }
    st.top16_in_window += static_cast<double>(best) / set.size() / n;
    std::set<std::size_t> segs;
    for (auto j : set) segs.insert(j * 8 / S);
    st.segments_hit += static_cast<double>(segs.size()) / n;
  }
  st.mass_top10 =
      softmax_mass(q, k, false, exact_topk_sets(q, k, false, {static_cast<std::uint32_t>(S / 10)}));
  return st;
}

RowStats qkv_stats(RowType type, std::uint64_t seed = 7) {
  const auto in = generate_qkv(type, 96, 1024, 64, seed);
  return row_stats(as_double(in.q), as_double(in.k));
}

// Query head 3 (kv group 1) of a GQA layer, the last 96 tokens as queries.
RowStats layer_stats(RowType type) {
  const auto layer = generate_layer(type, 768, 256, 4, 2, 64, 7);
  const MatD q = as_double(head_projection(layer.x, layer.w_q, 3, 64));
  const MatD k = as_double(head_projection(layer.x, layer.w_k, 1, 64));
  MatD tail(96, 64);
  std::copy(q.row(768 - 96), q.row(768 - 96) + tail.size(), tail.data());
  return row_stats(tail, k);
}

double max_over_rms(const MatF& m) {
  double mx = 0, sum2 = 0;
  for (float x : m.storage())
    mx = std::max(mx, static_cast<double>(std::fabs(x))), sum2 += double{x} * x;
  return mx / std::sqrt(sum2 / m.size());
}

}  // namespace

TEST_CASE("row type names round-trip and unknown names list the allowed ones", "[generators]") {
  for (RowType t : all_row_types()) CHECK(parse_row_type(to_string(t)) == t);
  CHECK(all_row_types().size() == 6);
  try {
    parse_row_type("sparse");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    CHECK(msg.find("'sparse'") != std::string::npos);
    for (const char* name :
         {"gaussian", "outlier_channels", "dominant", "spread", "clustered", "mixed"})
      CHECK(msg.find(name) != std::string::npos);
  }
}

TEST_CASE("the random source is the documented fixed algorithm", "[generators]") {
  // mt19937_64 is pinned by the standard (10000th output of the default seed); our conversions are
  // ours, so their first values are pinned here: a change of algorithm must be deliberate.
  std::mt19937_64 reference_engine;
  reference_engine.discard(9999);
  CHECK(reference_engine() == 9981545732273789042ull);
  DeterministicRng rng(42, 1);
  DeterministicRng again(42, 1);
  for (int n = 0; n < 100; ++n) CHECK(rng.normal() == again.normal());
  DeterministicRng u(1, 2);
  double sum = 0, sum2 = 0;
  for (int n = 0; n < 20000; ++n) {
    const double x = u.normal();
    sum += x;
    sum2 += x * x;
  }
  CHECK(std::fabs(sum / 20000) < 0.03);
  CHECK(sum2 / 20000 == Approx(1.0).epsilon(0.03));
  std::set<std::uint64_t> seen;
  for (int n = 0; n < 1000; ++n) seen.insert(u.below(5));
  CHECK(seen == std::set<std::uint64_t>{0, 1, 2, 3, 4});
}

TEST_CASE("generators: a fixed seed gives identical bytes, another seed differs", "[generators]") {
  for (RowType t : all_row_types()) {
    INFO(to_string(t));
    const auto a = generate_qkv(t, 24, 96, 32, 11), b = generate_qkv(t, 24, 96, 32, 11);
    const auto c = generate_qkv(t, 24, 96, 32, 12);
    CHECK(same_bits(a.q, b.q));
    CHECK(same_bits(a.k, b.k));
    CHECK(same_bits(a.v, b.v));
    CHECK(a.row_types == b.row_types);
    CHECK_FALSE(same_bits(a.q, c.q));
    CHECK_FALSE(same_bits(a.k, c.k));
    CHECK_FALSE(same_bits(a.v, c.v));
    const auto la = generate_layer(t, 64, 96, 4, 2, 16, 11),
               lb = generate_layer(t, 64, 96, 4, 2, 16, 11);
    const auto lc = generate_layer(t, 64, 96, 4, 2, 16, 12);
    CHECK(same_bits(la.x, lb.x));
    CHECK(same_bits(la.w_q, lb.w_q));
    CHECK(same_bits(la.w_k, lb.w_k));
    CHECK(same_bits(la.w_v, lb.w_v));
    CHECK_FALSE(same_bits(la.x, lc.x));
    CHECK_FALSE(same_bits(la.w_q, lc.w_q));
  }
}

TEST_CASE("generators: golden bytes (same on every platform and standard library)",
          "[generators]") {
  // Recorded on Debian 12 (glibc, libstdc++). A change here means every benchmark input changed.
  const auto g = generate_qkv(RowType::gaussian, 4, 8, 8, 2024);
  CHECK(fnv1a(g.q) == 0xff1f6f0800b22943ull);
  CHECK(fnv1a(g.k) == 0xf797597e5a3b0ef2ull);
  CHECK(fnv1a(generate_qkv(RowType::mixed, 8, 32, 16, 2024).k) == 0x3da0f41a1aa399a5ull);
}

TEST_CASE("generators: shapes and GQA layout", "[generators]") {
  const auto in = generate_qkv(RowType::spread, 5, 40, 16, 1);
  CHECK(in.q.rows() == 5);
  CHECK(in.q.cols() == 16);
  CHECK(in.k.rows() == 40);
  CHECK(in.v.rows() == 40);
  CHECK(in.v.cols() == 16);
  CHECK(in.row_types.size() == 5);
  const auto layer = generate_layer(RowType::dominant, 50, 128, 8, 2, 16, 1);
  CHECK(layer.x.rows() == 50);
  CHECK(layer.x.cols() == 128);
  CHECK(layer.w_q.rows() == 128);
  CHECK(layer.w_q.cols() == 8 * 16);
  CHECK(layer.w_k.cols() == 2 * 16);
  CHECK(layer.w_v.cols() == 2 * 16);
  CHECK(layer.row_types.size() == 50);
  CHECK(head_projection(layer.x, layer.w_q, 7, 16).rows() == 50);
}

TEST_CASE("generators reject bad parameters", "[generators]") {
  CHECK_THROWS_AS(generate_qkv(RowType::gaussian, 0, 8, 8, 1), std::invalid_argument);
  CHECK_THROWS_AS(generate_qkv(RowType::gaussian, 4, 0, 8, 1), std::invalid_argument);
  CHECK_THROWS_AS(generate_qkv(RowType::dominant, 4, 8, 4, 1), std::invalid_argument);  // d < 8
  CHECK_NOTHROW(generate_qkv(RowType::gaussian, 4, 8, 4, 1));
  CHECK_THROWS_AS(generate_qkv(static_cast<RowType>(42), 4, 8, 8, 1), std::invalid_argument);
  GeneratorOptions bad;
  bad.outlier_channels = 9;
  CHECK_THROWS_AS(generate_qkv(RowType::outlier_channels, 4, 8, 8, 1, bad), std::invalid_argument);
  bad = GeneratorOptions{};
  bad.mixed_dominant = bad.mixed_spread = bad.mixed_clustered = 0;
  CHECK_THROWS_AS(generate_qkv(RowType::mixed, 4, 8, 16, 1, bad), std::invalid_argument);
  CHECK_THROWS_AS(generate_layer(RowType::gaussian, 8, 32, 3, 2, 8, 1), std::invalid_argument);
  CHECK_THROWS_AS(generate_layer(RowType::spread, 8, 12, 2, 2, 16, 1), std::invalid_argument);
  CHECK_THROWS_AS(head_projection(MatF(2, 8), MatF(8, 16), 2, 8), std::invalid_argument);
  CHECK_THROWS_AS(head_projection(MatF(2, 7), MatF(8, 16), 0, 8), std::invalid_argument);
}

TEST_CASE("row types: attention-only inputs have the claimed structure", "[generators]") {
  const RowStats gauss = qkv_stats(RowType::gaussian);
  const RowStats dom = qkv_stats(RowType::dominant);
  const RowStats spread = qkv_stats(RowType::spread);
  const RowStats clus = qkv_stats(RowType::clustered);
  // dominant: the same few keys, key 0 (the sink) among them, sit in the top of nearly every row.
  CHECK(dom.hot_keys_in_top8 > 0.9);
  CHECK(dom.key0_is_hot);
  CHECK(gauss.hot_keys_in_top8 < 0.2);
  // clustered: a row's top keys fall in one contiguous window (S/8 keys) ...
  CHECK(clus.top16_in_window > 0.85);
  CHECK(clus.segments_hit < 3.0);
  CHECK(gauss.top16_in_window < 0.5);
  // ... spread: they fall in many sub-segments, yet the row is peaked, unlike Gaussian rows.
  CHECK(spread.segments_hit > 5.5);
  CHECK(spread.top16_in_window < 0.5);
  CHECK(spread.mass_top10 > 0.7);
  CHECK(gauss.mass_top10 < 0.5);
}

TEST_CASE("row types: outlier channels have a much larger max/RMS", "[generators]") {
  const auto g = generate_qkv(RowType::gaussian, 64, 512, 64, 3);
  const auto o = generate_qkv(RowType::outlier_channels, 64, 512, 64, 3);
  CHECK(max_over_rms(o.k) > 3 * max_over_rms(g.k));
  CHECK(max_over_rms(o.q) == Approx(max_over_rms(g.q)));  // keys carry the outliers, queries do not
  const auto lg = generate_layer(RowType::gaussian, 128, 1024, 2, 2, 16, 3);
  const auto lo = generate_layer(RowType::outlier_channels, 128, 1024, 2, 2, 16, 3);
  CHECK(max_over_rms(lo.x) > 3 * max_over_rms(lg.x));
}

TEST_CASE("row types: mixed rows come in the requested fractions, each with its pattern",
          "[generators]") {
  GeneratorOptions opt;
  opt.mixed_dominant = 0.5;
  opt.mixed_spread = 0.3;
  opt.mixed_clustered = 0.2;
  const auto in = generate_qkv(RowType::mixed, 100, 1024, 64, 9, opt);
  CHECK(std::count(in.row_types.begin(), in.row_types.end(), RowType::dominant) == 50);
  CHECK(std::count(in.row_types.begin(), in.row_types.end(), RowType::spread) == 30);
  CHECK(std::count(in.row_types.begin(), in.row_types.end(), RowType::clustered) == 20);
  CHECK_FALSE(std::is_sorted(in.row_types.begin(), in.row_types.end()));  // shuffled
  const MatD q = as_double(in.q), k = as_double(in.k);
  for (RowType t : {RowType::dominant, RowType::spread, RowType::clustered}) {
    MatD rows(static_cast<std::size_t>(std::count(in.row_types.begin(), in.row_types.end(), t)),
              64);
    std::size_t r = 0;
    for (std::size_t i = 0; i < in.row_types.size(); ++i)
      if (in.row_types[i] == t) std::copy(q.row(i), q.row(i) + 64, rows.row(r++));
    const RowStats st = row_stats(rows, k);
    INFO(to_string(t));
    if (t == RowType::dominant) CHECK(st.hot_keys_in_top8 > 0.9);
    if (t == RowType::spread) CHECK(st.segments_hit > 5.5);
    if (t == RowType::clustered) CHECK(st.top16_in_window > 0.85);
  }
}

TEST_CASE("row types: the full-layer path keeps the structure", "[generators]") {
  const RowStats dom = layer_stats(RowType::dominant);
  CHECK(dom.hot_keys_in_top8 > 0.85);
  CHECK(dom.key0_is_hot);
  const RowStats clus = layer_stats(RowType::clustered);
  CHECK(clus.top16_in_window > 0.85);
  const RowStats spread = layer_stats(RowType::spread);
  CHECK(spread.segments_hit > 5.5);
  CHECK(spread.mass_top10 > 0.7);
  const RowStats gauss = layer_stats(RowType::gaussian);
  CHECK(gauss.hot_keys_in_top8 < 0.2);
  CHECK(gauss.top16_in_window < 0.5);
  CHECK(gauss.mass_top10 < 0.5);
}

TEST_CASE("row types: clustered windows stay visible under the causal mask", "[generators]") {
  // n_q == S: the window centre of query i is at or before position i.
  const auto in = generate_qkv(RowType::clustered, 512, 512, 64, 4);
  const auto top1 = exact_topk_sets(as_double(in.q), as_double(in.k), false, {1});
  int visible = 0;
  for (std::size_t i = 0; i < top1.size(); ++i) visible += top1[i][0] <= i + 512 / 16 ? 1 : 0;
  CHECK(visible > 0.9 * 512);
}
