#include <catch2/catch.hpp>
#include <random>

#include "common/number_formats.h"
#include "dlzs/dlzs_model.h"

using namespace star;

namespace {
template <class M>
M random_matrix(std::size_t r, std::size_t c, int lo, int hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  M m(r, c);
  for (auto& v : m.storage()) v = static_cast<typename std::decay<decltype(v)>::type>(dist(rng));
  return m;
}
}  // namespace

TEST_CASE("the 24 x 6 example: exact 144, slzs 64, dlzs 96", "[dlzs]") {
  REQUIRE(predict_product(24, 6, Predictor::exact, 8, 8) == 144);
  REQUIRE(predict_product(24, 6, Predictor::slzs, 8, 8) == 64);
  REQUIRE(predict_product(24, 6, Predictor::dlzs, 8, 8) == 96);
  REQUIRE(predict_product(-24, 6, Predictor::dlzs, 8, 8) == -96);
  REQUIRE(predict_product(24, -6, Predictor::slzs, 8, 8) == -64);
}

TEST_CASE("predictor names parse and bad names are rejected", "[dlzs]") {
  for (auto p : {Predictor::dlzs, Predictor::slzs, Predictor::int4, Predictor::exact})
    REQUIRE(parse_predictor(to_string(p)) == p);
  REQUIRE_THROWS_WITH(parse_predictor("int3"), Catch::Contains("int3") && Catch::Contains("dlzs"));
}

TEST_CASE("exact prediction equals the integer dot product", "[dlzs]") {
  const MatI16 q = random_matrix<MatI16>(7, 64, -32767, 32767, 1);
  const MatI16 k = random_matrix<MatI16>(33, 64, -32767, 32767, 2);
  const ScorePrediction s = predict_scores(q, k, Predictor::exact, 0, 7, 0, 33);
  for (std::size_t i = 0; i < 7; ++i)
    for (std::size_t j = 0; j < 33; ++j) {
      std::int64_t dot = 0;
      for (std::size_t c = 0; c < 64; ++c) dot += std::int64_t{q(i, c)} * k(j, c);
      REQUIRE(s.a_hat(i, j) == dot);
    }
  REQUIRE(s.ops.macs == 7u * 33 * 64 - s.ops.zero_skips);
}

TEST_CASE("fast score prediction is bit-identical to the literal shift-add loop", "[dlzs]") {
  // Include zeros and the extreme values so the zero eliminator and the widest shifts are hit.
  MatI16 q = random_matrix<MatI16>(9, 48, -32768, 32767, 3);
  MatI16 k = random_matrix<MatI16>(700, 48, -32768, 32767, 4);
  q(0, 0) = 0;
  q(1, 5) = -32768;
  k(3, 7) = 0;
  k(4, 2) = -32768;
  k(5, 1) = 32767;
  for (auto p : {Predictor::dlzs, Predictor::slzs, Predictor::int4, Predictor::exact}) {
    INFO(to_string(p));
    const ScorePrediction fast = predict_scores(q, k, p, 1, 9, 100, 700);  // a tile, not all
    REQUIRE(fast.a_hat == predict_scores_literal(q, k, p, 1, 9, 100, 700));
  }
}

TEST_CASE("DLZS is closer to exact than SLZS, and counts only shifts and adds", "[dlzs]") {
  const MatI16 q = random_matrix<MatI16>(16, 64, -20000, 20000, 5);
  const MatI16 k = random_matrix<MatI16>(256, 64, -20000, 20000, 6);
  const auto exact = predict_scores(q, k, Predictor::exact, 0, 16, 0, 256).a_hat;
  const auto dlzs = predict_scores(q, k, Predictor::dlzs, 0, 16, 0, 256);
  const auto slzs = predict_scores(q, k, Predictor::slzs, 0, 16, 0, 256);
  double err_d = 0, err_s = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    err_d += std::abs(double(dlzs.a_hat.data()[i] - exact.data()[i]));
    err_s += std::abs(double(slzs.a_hat.data()[i] - exact.data()[i]));
  }
  REQUIRE(err_d < err_s);
  REQUIRE(dlzs.ops.macs == 0);
  REQUIRE(dlzs.ops.shifts == dlzs.ops.adds);
  REQUIRE(dlzs.ops.shifts + dlzs.ops.zero_skips == 16u * 256 * 64);
  REQUIRE(dlzs.ops.lz_encodes == 16u * 64);  // Q converted online once per row
  REQUIRE(slzs.ops.lz_encodes == 16u * 64 + 256u * 64);
}

TEST_CASE("key prediction: literal phase 1.1 and 16-bit truncation", "[dlzs]") {
  const MatI8 x = random_matrix<MatI8>(40, 96, -128, 127, 7);
  const MatI8 w = random_matrix<MatI8>(96, 32, -128, 127, 8);
  for (auto p : {Predictor::dlzs, Predictor::slzs, Predictor::int4, Predictor::exact}) {
    INFO(to_string(p));
    const KeyAccumulators a = predict_key_accumulators(x, w, p, 0, 40);
    for (std::size_t i = 0; i < 40; ++i)
      for (std::size_t j = 0; j < 32; ++j) {
        std::int64_t acc = 0;
        for (std::size_t m = 0; m < 96; ++m) acc += predict_product(x(i, m), w(m, j), p, 8, 8);
        REQUIRE(a.acc(i, j) == acc);
      }
    // A row range of the same layer gives the same accumulators (tile-callable).
    const KeyAccumulators part = predict_key_accumulators(x, w, p, 10, 20);
    for (std::size_t j = 0; j < 32; ++j) REQUIRE(part.acc(3, j) == a.acc(13, j));
  }
  const MatI32 exact_acc = matmul_i8(x, w);
  const KeyPrediction kp = predict_keys(x, w, Predictor::exact);
  REQUIRE(kp.k_hat == requantize_to_i16(exact_acc).values);
  const KeyPrediction forced = predict_keys(x, w, Predictor::dlzs, 3);
  REQUIRE(forced.shift == 3);
  REQUIRE_THROWS_AS(predict_key_accumulators(x, x, Predictor::dlzs, 0, 1), std::invalid_argument);
}

TEST_CASE("prepared keys: a key prefix equals the same columns of the full prediction", "[dlzs]") {
  MatI16 q = random_matrix<MatI16>(5, 32, -32767, 32767, 9);
  MatI16 k = random_matrix<MatI16>(300, 32, -40, 40, 10);  // small values: many zeros
  for (auto p : {Predictor::dlzs, Predictor::slzs, Predictor::int4, Predictor::exact}) {
    INFO(to_string(p));
    const PreparedKeys keys = prepare_keys(k, p, 0, 300);
    const ScorePrediction full = predict_scores(q, keys, 0, 5);
    const ScorePrediction prefix = predict_scores(q, keys, 0, 5, 0, 120);
    const ScorePrediction tile = predict_scores(q, keys, 1, 4, 120, 250);
    REQUIRE(tile.a_hat == predict_scores_literal(q, k, p, 1, 4, 120, 250));
    REQUIRE(tile.ops.lz_encodes == (p == Predictor::slzs ? 130u * 32 : 0u));
    REQUIRE(prefix.a_hat.cols() == 120);
    for (std::size_t i = 0; i < 5; ++i)
      for (std::size_t j = 0; j < 120; ++j) REQUIRE(prefix.a_hat(i, j) == full.a_hat(i, j));
    // Every product is either performed or removed by the zero eliminator.
    REQUIRE(prefix.ops.shifts + prefix.ops.macs + prefix.ops.zero_skips == 5u * 120 * 32);
    REQUIRE(prefix.ops.zero_skips > 0);
    REQUIRE(prefix.a_hat == predict_scores_literal(q, k, p, 0, 5, 0, 120));
  }
}
