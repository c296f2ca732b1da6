// query_split's job order per core (plan_layer, no simulation needed for the plan checks): with the
// spread placement (head u in controller u mod M) the cores must not all start on the same
// controller. 2x2 mesh, 4 controllers, 16 heads: each core owns 4 heads, one per controller; at
// every step the 4 cores read 4 different controllers. Every head is run once, and a performance
// run of the plan goes faster than the same jobs in controller order (every core starting on
// controller 0: a convoy through one controller link).
#include <algorithm>
#include <set>

#include "../platform/platform_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh_test_support.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  MeshConfig cfg = performance_mesh_config(2, 2);
  cfg.noc.fidelity = NocFidelity::Packet;
  SpatialStar mesh("mesh", cfg);
  CoreJob job;
  job.seq_len = job.n_queries = 2048;
  job.heads = job.kv_heads = 16;
  job.head_dim = 128;
  job.algo.sads.keep = 0.2;
  const std::vector<CoreJob> parts = spread_layer(job, mesh);
  const MeshPlan plan = plan_layer(parts, Orchestration::query_split, mesh);
  const std::uint64_t capacity = cfg.memory.capacity_bytes;
  CHECK_EQ(mesh.controllers(), 4u);
  for (std::size_t step = 0; step < 4; ++step) {
    std::set<std::uint64_t> ctrls;
    for (std::uint32_t c = 0; c < 4; ++c) {
      CHECK_EQ(plan.per_core[c].size(), std::size_t{4});
      if (plan.per_core[c].size() == 4) ctrls.insert(plan.per_core[c][step].k_addr / capacity);
    }
    CHECK_MSG(ctrls.size() == 4, "step " + std::to_string(step) + ": " + std::to_string(ctrls.size()) +
                                     " distinct controllers");
  }
  // Every head once, 4 per core; the head-order plan for comparison: the same per-core jobs
  // sorted by address, i.e. by controller (the spread placement), so every core starts on
  // controller 0 as a plan in head order did.
  std::set<std::uint64_t> all;
  MeshPlan head_order = plan;
  for (std::uint32_t c = 0; c < 4; ++c) {
    for (const CoreJob& j : plan.per_core[c]) all.insert(j.q_addr);
    std::sort(head_order.per_core[c].begin(), head_order.per_core[c].end(),
              [](const CoreJob& a, const CoreJob& b) { return a.q_addr < b.q_addr; });
    CHECK_EQ(head_order.per_core[c].front().k_addr / capacity, std::uint64_t{0});
  }
  CHECK_EQ(all.size(), std::size_t{16});
  const MeshRunResult staggered = run_plan(mesh, plan);
  const MeshRunResult convoy = run_plan(mesh, head_order);
  std::printf("staggered %.3f us, head order %.3f us\n", staggered.makespan.to_seconds() * 1e6,
              convoy.makespan.to_seconds() * 1e6);
  CHECK_MSG(convoy.makespan > staggered.makespan * 2.0, "staggering should remove the convoy");
  return finish();
}
