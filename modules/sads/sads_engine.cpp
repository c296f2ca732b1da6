#include "sads/sads_engine.h"

namespace star {

std::uint64_t SadsEngine::compute_cycles(TileToken& t) {
  ctx().select(t.cell, t.work);
  count(t.work.select);
  if (ctx().job().algo.dense) return 0;
  const std::uint64_t rounds = (t.work.rows + cfg().sort_cores - 1) / cfg().sort_cores;
  // One step more per tile; a batched macro cell's steps are summed over its tiles.
  return rounds * (std::uint64_t(t.work.max_sort_steps) + t.cell.tiles);
}

}  // namespace star
