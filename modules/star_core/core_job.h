// One attention-layer job for the STAR core: shapes, algorithm configuration, data mode, and
// where its tensors live in DRAM. (The host driver builds it from a job descriptor.)
//
// DRAM layout, head-major so every head's tile is contiguous:
//   X    S x d_model int8                  (full layer)
//   W_q  heads x d_model x d int8; W_k, W_v kv_heads x d_model x d int8   (full layer)
//   Q    heads x n_q x d int16; K, V kv_heads x S x d int16              (attention only)
//   O    heads x n_q x d float32 (the SU-FA result, unrounded)
//   scratch: K_hat spill and K/V cache per K/V head, then one head's stage-isolated
//            intermediates (A_hat, indices, scores, probabilities); see scratch_bytes().
#pragma once

#include <cstdint>
#include <string>

#include "controller/tiling_model.h"
#include "controller/transfer_plan.h"
#include "star_core/core_config.h"
#include "star_core/star_algo_config.h"
#include "star_core/star_attention_model.h"

namespace star {

struct CoreJob {
  JobKind kind = JobKind::attention_only;
  std::uint32_t seq_len = 1024;   // S
  // Queries (0: S). A full layer's queries are X rows: the n_queries tokens that end
  // tokens_after_queries before the last (a slice of a layer's queries: Spatial-STAR splits).
  std::uint32_t n_queries = 0;
  std::uint32_t tokens_after_queries = 0;  // full layer only; 0 with causal masking
  std::uint32_t heads = 1, kv_heads = 1, head_dim = 64, d_model = 768;
  StarAlgoConfig algo;
  Flow flow = Flow::coordinated;
  bool rass = true;
  // Coordinated flow: the key-indexed operand arrives as whole tiles (TilingConfig::stream_kv_tiles).
  bool stream_kv_tiles = false;

  std::uint64_t x_addr = 0, wq_addr = 0, wk_addr = 0, wv_addr = 0;
  std::uint64_t q_addr = 0, k_addr = 0, v_addr = 0, o_addr = 0, scratch_addr = 0;
  double x_scale = 1, wq_scale = 1, wk_scale = 1, wv_scale = 1;
  double q_scale = 1, k_scale = 1, v_scale = 1;
  LayerShifts shifts;  // full layer: per-layer shifts (calibrate_layer_shifts)
  // Key shard (Spatial-STAR kv_split): the job visits only key tiles [tile_begin, tile_end) of
  // its tiling (tile_end 0: to the last tile); positions and causal masking are the whole
  // sequence's. With partial_output the core keeps each row's SU-FA partial (m, l, o before the
  // division; sufa_model.h) on chip for its owner (JobContext::partials) and writes no O.
  // kv_on_chip (ring): the shard's K and V rows are already in the core (received from a
  // neighbour), so the job reads no K or V from DRAM (functional data still comes by debug reads).
  std::uint32_t tile_begin = 0, tile_end = 0;
  bool partial_output = false;
  bool kv_on_chip = false;

  std::uint32_t queries() const { return n_queries == 0 ? seq_len : n_queries; }
  // Full layer: the X row of query 0.
  std::uint32_t first_query_token() const { return seq_len - queries() - tokens_after_queries; }
  std::uint32_t group() const { return heads / kv_heads; }
  KeyTiling tiling() const { return algo.tiling(seq_len); }
  TilingConfig tiling_config(const CoreConfig& core) const;

  // Sizes of each region in bytes.
  std::uint64_t x_bytes() const { return std::uint64_t(seq_len) * d_model; }
  std::uint64_t wq_bytes() const { return std::uint64_t(heads) * d_model * head_dim; }
  std::uint64_t wkv_bytes() const { return std::uint64_t(kv_heads) * d_model * head_dim; }
  std::uint64_t q_bytes() const { return std::uint64_t(heads) * queries() * head_dim * 2; }
  std::uint64_t kv_bytes() const { return std::uint64_t(kv_heads) * seq_len * head_dim * 2; }
  std::uint64_t o_bytes() const { return std::uint64_t(heads) * queries() * head_dim * 4; }
  std::uint64_t scratch_bytes() const;

  // Address of row `row` of a per-head tensor.
  std::uint64_t q_row(std::uint32_t h, std::uint32_t i) const {
    return q_addr + (std::uint64_t(h) * queries() + i) * head_dim * 2;
  }
  std::uint64_t k_row(std::uint32_t g, std::uint32_t t) const {
    return k_addr + (std::uint64_t(g) * seq_len + t) * head_dim * 2;
  }
  std::uint64_t v_row(std::uint32_t g, std::uint32_t t) const {
    return v_addr + (std::uint64_t(g) * seq_len + t) * head_dim * 2;
  }
  std::uint64_t o_row(std::uint32_t h, std::uint32_t i) const {
    return o_addr + (std::uint64_t(h) * queries() + i) * head_dim * 4;
  }
  // DRAM address where `operand`'s row `row` of head `h` (K/V head for k, v, k_hat, kv_cache,
  // w_k, w_v, lz_w_k) lives; bytes_per_row is the transfer's row size.
  std::uint64_t operand_address(Operand operand, std::uint32_t h, std::uint64_t row,
                                std::uint64_t bytes_per_row) const;

  // Throws std::invalid_argument naming the field (shapes, the algorithm configuration, buffer
  // capacities against `core`, addresses within `memory_bytes` and aligned).
  void validate(const CoreConfig& core, std::uint64_t memory_bytes) const;
};

}  // namespace star
