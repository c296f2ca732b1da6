#include "sufa/sufa_engine.h"

#include <algorithm>

#include "fetcher/data_fetcher.h"

namespace star {

std::uint64_t SufaEngine::compute_cycles(TileToken& t) {
  const CoreJob& job = ctx().job();
  const std::uint64_t d = job.head_dim, sel = t.work.selected;
  const std::uint64_t array = std::uint64_t(cfg().sufa_rows) * cfg().sufa_cols;
  const std::uint64_t rows = ctx().tiling().block_size(t.cell.block);
  // Exps and rescales of the order, from the cell's statistics alone (so both data modes agree):
  // descending: one exp per key but each row's first (the reference), rescales only when the
  // prediction was wrong (rare: not timed); unsorted (FA-2): one exp per key plus one correction
  // exp and one (d + 1)-multiply rescale per row and tile after the first; ascending: the reference rises with
  // every later key, so each of them costs a rescale too.
  // A batched macro cell of n tiles counts n row leads (exact when every tile selects at least a
  // key per row, i.e. away from the causal edge) and corrections in all but the block's first tile.
  const std::uint64_t lead = std::min<std::uint64_t>(rows * t.cell.tiles, sel);
  const std::uint64_t first_lead = t.cell.first_of_block ? std::min<std::uint64_t>(rows, sel) : 0;
  std::uint64_t exps = sel - lead, rescales = 0;
  switch (job.algo.sufa.order) {
    case SufaOrder::descending: break;
    case SufaOrder::unsorted:  // a row's first tile starts empty: nothing to correct
      exps = sel + lead - first_lead, rescales = lead - first_lead;
      break;
    case SufaOrder::ascending: exps = 2 * (sel - lead), rescales = sel - lead; break;
  }
  const std::uint64_t mac_cycles = ceil_div(sel * d, array), exp_cycles = ceil_div(exps, cfg().exp_units);
  // A rescale scales the row's o (d values) on SA-2 before it accumulates again: not hidden.
  const std::uint64_t rescale_cycles = ceil_div(rescales * (d + 1), array);
  std::uint64_t cycles = 0;
  switch (t.pass) {
    case 0: cycles = std::max(mac_cycles, exp_cycles) + rescale_cycles; break;  // fused, pipelined
    case 5: cycles = mac_cycles; break;                                         // scores
    case 6: cycles = exp_cycles + rescale_cycles; break;                        // softmax
    default: cycles = mac_cycles; break;                                        // P V
  }
  if (t.pass == 0 || t.pass == 5) {
    ctx().formal(t.cell, t.work);
    count(t.work.formal);
  }
  if ((t.pass == 0 || t.pass == 7) && t.cell.last_of_block) {
    const std::uint64_t tiles = ctx().visited_tiles(t.cell.block);
    // A partial-output job (kv_split) combines its tiles but leaves the division to the merge.
    cycles += ceil_div(rows * tiles * (d + 1), array) +
              (job.partial_output ? 0 : ceil_div(rows * d, cfg().div_units));
    count(ctx().finish_block(t.cell, [this](std::uint64_t a, const void* src, std::uint64_t n) {
      fetcher().write_data(a, src, n);
    }));
  }
  return cycles;
}

}  // namespace star
