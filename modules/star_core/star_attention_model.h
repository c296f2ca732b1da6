// The whole STAR algorithm chain for attention layers, untimed (STAR-SPEC 2): per query block of
// T rows, DLZS predicts A_hat, SADS selects per key tile, the KV-generation array makes the
// selected K/V rows on demand, SU-FA computes exact softmax attention over the selection.
// This is what the SystemC core computes tile by tile; its functional output must equal this
// model's bit for bit with the same configuration.
#pragma once

#include <cstdint>
#include <vector>

#include "common/matrix.h"
#include "common/number_formats.h"
#include "common/op_counts.h"
#include "common/selection.h"
#include "dlzs/dlzs_model.h"
#include "sads/sads_model.h"
#include "sufa/sufa_model.h"
#include "star_core/star_algo_config.h"

namespace star {

struct StageOps {
  OpCounts predict, select, kvgen, formal;
  OpCounts total() const { return predict + select + kvgen + formal; }
  StageOps& operator+=(const StageOps& o) {
    predict += o.predict;
    select += o.select;
    kvgen += o.kvgen;
    formal += o.formal;
    return *this;
  }
};

struct HeadResult {
  MatF out;                            // n_q x d, real values
  std::vector<RowSelection> selection; // per query row
  StageOps ops;
};

// --- attention-only job: Q (n_q x d), K, V (S x d) in 16-bit with their scales -------------
struct QkvHeadInputs {
  const MatI16* q = nullptr;
  const MatI16* k = nullptr;
  const MatI16* v = nullptr;
  double q_scale = 1, k_scale = 1, v_scale = 1;
};
HeadResult run_attention_head(const QkvHeadInputs& in, const StarAlgoConfig& cfg);

// --- multi-head layers, both job kinds, with grouped-query attention ----------------------
// Full layer: token activations X (S x d_model) and weights (d_model x heads*d for W_q,
// d_model x kv_heads*d for W_k and W_v), all int8 with per-tensor scales. Query head h uses
// K/V head h / (heads / kv_heads).
struct QuantizedLayer {
  QuantizedI8 x, w_q, w_k, w_v;
  std::uint32_t heads = 1, kv_heads = 1, head_dim = 64;
};
// Attention only: Q (n_q x heads*d), K and V (S x kv_heads*d), int16 with per-tensor scales.
struct QuantizedQkv {
  QuantizedI16 q, k, v;
  std::uint32_t heads = 1, kv_heads = 1, head_dim = 64;
};

// Per-layer fixed-point shifts of a full layer, known before the layer runs (the firmware
// computes them from X and the weights and writes them into the job descriptor): Q, K, V from
// kvgen_model's projection_shift_bound, K_hat from key_prediction_shift_bound.
struct LayerShifts {
  std::vector<int> q;     // per query head
  std::vector<int> k, v;  // per K/V head
  std::vector<int> k_hat; // per K/V head
};
LayerShifts calibrate_layer_shifts(const QuantizedLayer& layer, Predictor predictor);

struct LayerResult {
  MatF out;                      // n_q x heads*d
  std::vector<HeadResult> heads; // per query head (its ops: predict/select/formal)
  StageOps ops;                  // whole layer, K_hat and K/V generation counted once per group
  std::uint64_t kv_rows_generated = 0;  // tokens whose K/V rows were generated, per K/V head
  std::uint64_t kv_rows_dense = 0;      // rows a dense generation makes (S per K/V head)
  // The exact 16-bit Q/K/V of each head in real units, for references (full layer: every row
  // computed, outside the counted work).
  std::vector<MatD> q_real, k_real, v_real;
  LayerShifts shifts;  // full layer only
};
LayerResult run_layer(const QuantizedLayer& layer, const StarAlgoConfig& cfg);
LayerResult run_layer(const QuantizedLayer& layer, const StarAlgoConfig& cfg,
                      const LayerShifts& shifts);
LayerResult run_layer(const QuantizedQkv& qkv, const StarAlgoConfig& cfg);
// The key-sharded arithmetic of Spatial-STAR's kv_split: every head's key tiles are cut into the
// shards [tile_bounds[s], tile_bounds[s + 1]) (strictly increasing, from 0 to the tile count);
// each shard yields per-row SU-FA partials (a block no tile of the shard is visible to yields
// none, like an empty partial) and the partials are merged in shard order by sufa_merge. One
// shard reproduces run_layer(qkv, cfg).out bit for bit. Returns O (n_q x heads*d).
MatF run_layer_key_shards(const QuantizedQkv& qkv, const StarAlgoConfig& cfg,
                          const std::vector<std::uint32_t>& tile_bounds);

// Quantises a float layer for the full path (X and weights to int8, symmetric per tensor).
QuantizedLayer quantize_layer(const MatF& x, const MatF& w_q, const MatF& w_k, const MatF& w_v,
                              std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim);
QuantizedQkv quantize_qkv(const MatF& q, const MatF& k, const MatF& v, std::uint32_t heads,
                          std::uint32_t kv_heads, std::uint32_t head_dim);

// Column block [c0, c0 + n) of a matrix (one head of a packed multi-head tensor).
template <class T>
Matrix<T> column_block(const Matrix<T>& m, std::size_t c0, std::size_t n) {
  require_shape(c0 + n <= m.cols(), "column block beyond the matrix");
  Matrix<T> out(m.rows(), n);
  for (std::size_t r = 0; r < m.rows(); ++r)
    for (std::size_t c = 0; c < n; ++c) out(r, c) = m(r, c0 + c);
  return out;
}

}  // namespace star
