#include "kvgen/kvgen_engine.h"

#include <algorithm>

#include "fetcher/data_fetcher.h"

namespace star {

std::uint64_t KvGenEngine::compute_cycles(TileToken& t) {
  ctx().generate(t.cell, t.work);
  count(t.work.kvgen);
  const CoreJob& job = ctx().job();
  if (job.kind != JobKind::full_layer) return 0;
  const std::uint64_t pes = std::uint64_t(cfg().kvgen_rows) * cfg().kvgen_cols;
  if (!job.algo.on_demand_kv) {
    // Ablation: the K/V head's every row is generated once, at its first cell: all X rows read,
    // every K and V row made and stored to the K/V cache.
    const auto& first = ctx().cells();
    const bool head_start = t.cell.head % job.group() == 0 && t.cell.block == 0 &&
                            t.cell.first_of_block && (t.pass == 0 || t.pass == 4) &&
                            std::find_if(first.begin(), first.end(), [&](const JobContext::Cell& c) {
                              return c.kv_head == t.cell.kv_head;
                            })->tile == t.cell.tile;
    if (!head_start) return 0;
    const std::uint64_t S = job.seq_len, d = job.head_dim;
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const sc_core::sc_time done = std::max(
        fetcher().transfer(Stage::kvgen, Direction::read, job.x_addr, S * job.d_model, now),
        fetcher().transfer(Stage::kvgen, Direction::write,
                           job.operand_address(Operand::kv_cache, t.cell.kv_head, 0, 4 * d),
                           S * 4 * d, now));
    const std::uint64_t cycles = ceil_div(2 * S * job.d_model * d, pes);
    const std::uint64_t mem_cycles = static_cast<std::uint64_t>(
        (done - now) / sc_core::sc_time(cfg().period_ns(), sc_core::SC_NS));
    return std::max(cycles, mem_cycles);
  }
  const std::uint64_t macs = 2ull * t.work.stats.fresh_rows * job.d_model * job.head_dim;
  return ceil_div(macs, pes);
}

}  // namespace star
