// DLZS: differential leading-zero sparsity prediction (STAR-SPEC 2.1), bit-true.
//
// A product x*y is approximated by keeping one operand exact and replacing the other by the
// power of two of its leading one: x*y ~ sign(y) * (x << p(y)). Only shifts and adds, no
// multiplier. Two phases:
//   1.1 key prediction    K_hat = X * LZ4(W_k)      (X int8 exact, W_k in 4-bit LZ form),
//                         accumulated exactly, then truncated to 16 bits: sat16(acc >> shift).
//   1.2 score prediction  A_hat = LZ5(Q) * K_hat^T  (K_hat exact, Q converted online to 5-bit LZ).
// For an attention-only job (Q, K, V given) phase 1.2 runs on K directly: A_hat = LZ5(Q) * K^T.
//
// Variants (the ablations of STAR-SPEC 2.1):
//   dlzs   one operand rounded, as above (the paper's predictor);
//   slzs   both operands rounded: sign * 2^(p(x) + p(y)) per product;
//   int4   4-bit multiply (Sanger-like): each operand truncated to its top 4 bits
//          (int8 >> 4, int16 >> 12, arithmetic shifts) and multiplied;
//   exact  full-precision integer products (an upper bound on prediction quality).
//
// Widths [design]: A_hat is kept at the accumulator width (the model uses int64; the hardware
// accumulator needs at most 16 + 15 + log2(d) bits), so the exact variant equals the integer
// dot product. Integer additions are exact, so the model may add in any order: it sums the
// operands that share a shift amount first and shifts once per group (bit-identical to the
// shift-add array, and several times faster); the tests check it against a literal loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/matrix.h"
#include "common/op_counts.h"

namespace star {

enum class Predictor { dlzs, slzs, int4, exact };
Predictor parse_predictor(const std::string& name);  // throws std::invalid_argument
std::string to_string(Predictor p);

// One predicted product, as the processing element computes it (x is the exact-side operand in
// `dlzs`). The documentation's example: 24 x 6 -> exact 144, slzs 64, dlzs 96.
std::int64_t predict_product(std::int32_t x, std::int32_t y, Predictor p, int x_bits, int y_bits);

// Phase 1.1 on rows [row_begin, row_end) of X (S x d_model int8) with W_k (d_model x d int8).
// Returns the raw accumulators (before truncation) of those rows.
struct KeyAccumulators {
  MatI32 acc;  // (row_end - row_begin) x d
  OpCounts ops;
};
KeyAccumulators predict_key_accumulators(const MatI8& x, const MatI8& w_k, Predictor p,
                                         std::size_t row_begin, std::size_t row_end);

// A K_hat shift that never saturates, known before any key is predicted (the firmware's per-layer
// calibration, so K_hat can be produced tile by tile): the Cauchy-Schwarz bound on the predicted
// accumulators, max_i ||x_i|| max_j ||w_j|| over the variant's converted operands.
int key_prediction_shift_bound(const MatI8& x, const MatI8& w_k, Predictor p);

// Phase 1.1, complete: K_hat truncated to 16 bits with one shift for the layer. shift < 0 picks
// the smallest shift at which no value of this layer saturates.
struct KeyPrediction {
  MatI16 k_hat;  // S x d
  int shift = 0;
  OpCounts ops;
};
KeyPrediction predict_keys(const MatI8& x, const MatI8& w_k, Predictor p, int shift = -1);

// Phase 1.2: predicted scores of queries [q_begin, q_end) of Q (n x d int16) against keys
// [k_begin, k_end) of K (S x d int16; K_hat or a given K). One tile of A_hat, rows x keys.
struct ScorePrediction {
  MatI64 a_hat;
  OpCounts ops;
};

// The keys of phase 1.2 as the array streams them: transposed (d x keys), in the variant's
// form, with per-column non-zero counts for the zero eliminator's statistics. Prepare once per
// head (or per key tile) and predict any number of query blocks against it.
struct PreparedKeys {
  Predictor predictor = Predictor::dlzs;
  std::size_t k_begin = 0;
  MatI16 kt16;  // dlzs, int4, exact
  MatI32 kt32;  // slzs (rounded keys reach 2^15)
  std::vector<std::uint32_t> col_nonzero;
  std::size_t head_dim() const { return col_nonzero.size(); }
  std::size_t n_keys() const { return kt16.empty() ? kt32.cols() : kt16.cols(); }
};
PreparedKeys prepare_keys(const MatI16& k, Predictor p, std::size_t k_begin, std::size_t k_end);
// Predicts against prepared keys [key_first, key_end) (relative to the prepared range; all by
// default): one key tile, or a causal block's prefix.
ScorePrediction predict_scores(const MatI16& q, const PreparedKeys& keys, std::size_t q_begin,
                               std::size_t q_end, std::size_t key_first = 0,
                               std::size_t key_end = SIZE_MAX);

ScorePrediction predict_scores(const MatI16& q, const MatI16& k, Predictor p, std::size_t q_begin,
                               std::size_t q_end, std::size_t k_begin, std::size_t k_end);

// The same tile computed by a literal per-product loop (reference for tests).
MatI64 predict_scores_literal(const MatI16& q, const MatI16& k, Predictor p, std::size_t q_begin,
                              std::size_t q_end, std::size_t k_begin, std::size_t k_end);

}  // namespace star
