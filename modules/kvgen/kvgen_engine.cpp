#include "kvgen/kvgen_engine.h"

namespace star {

std::uint64_t KvGenEngine::compute_cycles(TileToken& t) {
  ctx().generate(t.cell, t.work);
  count(t.work.kvgen);
  const CoreJob& job = ctx().job();
  if (job.kind != JobKind::full_layer || !job.algo.on_demand_kv) return 0;
  const std::uint64_t macs = 2ull * t.work.stats.fresh_rows * job.d_model * job.head_dim;
  const std::uint64_t pes = std::uint64_t(cfg().kvgen_rows) * cfg().kvgen_cols;
  return (macs + pes - 1) / pes;
}

}  // namespace star
