#include "dlzs/dlzs_engine.h"

namespace star {

std::uint64_t DlzsEngine::compute_cycles(TileToken& t) {
  const CoreJob& job = ctx().job();
  const CoreConfig& c = cfg();
  const std::uint64_t d = job.head_dim;
  const bool full = job.kind == JobKind::full_layer;
  std::uint64_t cycles = 0;
  // Stage-isolated pass 1 is the Q pass, pass 2 the prediction; coordinated (pass 0) does both.
  if (t.pass == 0 || t.pass == 2) t.work = ctx().predict(t.cell);
  const std::uint64_t rows = ctx().tiling().block_size(t.cell.block);
  const std::uint64_t keys = ctx().tiling().key_tiling().tile_len(t.cell.tile);  // its first tile
  if (t.pass == 0 || t.pass == 1) {
    if (t.cell.first_of_block && full)
      cycles += ceil_div(rows * job.d_model * d, std::uint64_t(c.kvgen_rows) * c.kvgen_cols);
  }
  if (t.pass == 0 || t.pass == 2) {
    if (!job.algo.dense) {
      if (t.cell.first_of_block) cycles += ceil_div(rows * d, c.lz_encoders);
      // Per key tile of the cell (a batched macro cell spans several).
      cycles += ceil_div(rows, c.dlzs_rows) * ctx().key_groups(t.cell, c.dlzs_cols) * d;
      if (full) {
        const bool first_visit = k_hat_made_.insert({t.cell.kv_head, t.cell.tile}).second;
        if (first_visit || ctx().policy().key_reuse == KeyReuse::recompute)
          cycles += ceil_div(keys * job.d_model * d, std::uint64_t(c.dlzs_rows) * c.dlzs_cols);
      }
    }
    count(t.work.predict);
  }
  return cycles;
}

}  // namespace star
