// One query head of the STAR algorithm, one (query block, key tile) cell at a time: the kernels
// the SystemC blocks run per tile, and that run_layer loops over, so the platform's functional
// output equals the algorithm model's by construction (and the tests check it).
//
//   BlockState b = begin_block(r0, r1)
//   for each visited tile t, ascending:
//     predict_tile(b, t)  select_tile(b, t)  [K/V rows ready]  formal_tile(b, t)
//   finish_block(b)
// A block's state is its own object, so several blocks can be in flight in a pipeline at once.
#pragma once

#include <cstdint>
#include <vector>

#include "common/matrix.h"
#include "common/op_counts.h"
#include "common/selection.h"
#include "dlzs/dlzs_model.h"
#include "star_core/star_algo_config.h"
#include "sufa/sufa_model.h"

namespace star {

// The matrices one head reads (owned elsewhere). pred_keys: what phase 1.2 predicts against (K_hat,
// or K for attention-only jobs); k, v: the exact rows SU-FA reads (only selected rows need be valid
// when a tile reaches the formal stage).
struct HeadData {
  const MatI16* q = nullptr;
  const MatI16* pred_keys = nullptr;
  const MatI16* k = nullptr;
  const MatI16* v = nullptr;
  double score_scale = 1.0;  // s_q s_k / sqrt(d)
  double v_scale = 1.0;
};

// What a cell's selection asks of the later stages (timing inputs; also drawn statistically in
// performance mode).
struct CellSelection {
  std::uint32_t rows = 0;            // queries of the block
  std::uint32_t keys = 0;            // keys of the tile (before masking)
  std::uint64_t selected = 0;        // sum over rows of keys selected in the tile
  std::uint32_t max_sort_steps = 0;  // slowest row's sort-core steps (the 128 cores run in parallel)
  std::vector<std::uint32_t> union_keys;  // distinct selected keys, ascending
};

// The state of one query block between its first prediction and its final division.
struct BlockState {
  std::uint32_t r0 = 0, r1 = 0;
  MatI64 a_hat;  // the block's predicted rows (only visited tiles' columns are filled)
  std::vector<SufaRowAccumulator> rows;
};

class HeadPipeline {
 public:
  HeadPipeline(const HeadData& data, const StarAlgoConfig& cfg, std::uint32_t seq_len);

  const KeyTiling& tiling() const { return tiling_; }
  std::uint32_t n_queries() const { return static_cast<std::uint32_t>(data_.q->rows()); }
  // Keys query row i may see (causal: up to its position; else all).
  std::uint32_t valid_keys(std::uint32_t row) const;
  // Whether block rows [r0, r1) visit tile t (causal: a tile wholly after the block is skipped).
  bool visits(std::uint32_t r0, std::uint32_t r1, std::uint32_t t) const;

  BlockState begin_block(std::uint32_t r0, std::uint32_t r1);
  OpCounts predict_tile(BlockState& b, std::uint32_t t);                     // DLZS phase 1.2
  OpCounts select_tile(BlockState& b, std::uint32_t t, CellSelection& out);  // SADS
  OpCounts formal_tile(BlockState& b, std::uint32_t t);                      // SU-FA accumulation
  OpCounts finish_block(BlockState& b);  // combine and divide: the block's output rows are final
  // Instead of finish_block (a key shard, kv_split): the block's per-row SU-FA partials, rows
  // r0..r1-1 one after the other, sufa_partial_floats(d) floats each, into `partials`.
  OpCounts finish_block_partial(BlockState& b, std::vector<float>& partials);

  // The block's per-row selections (keys of tile t: tile_start[t]..tile_start[t+1]).
  const std::vector<RowSelection>& selection() const { return selection_; }
  MatF& output() { return out_; }
  std::vector<RowSelection>& selections() { return selection_; }

 private:
  void pad_selection(RowSelection& sel, std::uint32_t tiles) const;

  HeadData data_;
  const StarAlgoConfig& cfg_;
  KeyTiling tiling_;
  std::uint32_t seq_len_;
  PreparedKeys keys_;  // phase 1.2's keys, prepared once per head
  std::vector<RowSelection> selection_;  // every query row of the head
  MatF out_;
};

}  // namespace star
