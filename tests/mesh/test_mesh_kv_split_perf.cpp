// kv_split in performance mode on a 4x4 mesh: 8 heads x 2048 queries, d = 64, 16 key tiles of 128
// (one shard per core), spread placement. The run completes, every core works, the partials of
// every (head, block) reach their home core over the NoC with the byte count of the data, and
// the layer is faster than on one core (a loose bound: no timing targets in tests).
#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/mesh_report.h"
#include "mesh/orchestration.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh("mesh", performance_mesh_config(4, 4));

  CoreJob job;
  job.seq_len = job.n_queries = 2048;
  job.heads = job.kv_heads = 8;
  job.head_dim = 64;
  job.algo.sads.keep = 0.2;
  job.algo.tile_keys = 128;
  const std::vector<CoreJob> groups = spread_layer(job, mesh);

  const MeshRunResult one = run_plan(mesh, plan_layer(groups, Orchestration::kv_split, mesh, 1));
  const MeshPlan plan = plan_layer(groups, Orchestration::kv_split, mesh);
  const MeshRunResult kv = run_plan(mesh, plan);
  const MeshSummary s = summarise(mesh, job, kv);
  std::printf("kv_split:\n%s\n", to_text(s).c_str());
  const double speedup = one.makespan / kv.makespan;
  std::printf("kv_split speedup over one core %.2fx, %llu partial messages (%llu bytes)\n", speedup,
              static_cast<unsigned long long>(kv.partial_messages),
              static_cast<unsigned long long>(kv.partial_bytes));
  CHECK_MSG(speedup > 2.5, std::to_string(speedup));
  const std::uint64_t units = 8 * 2048 / 128;  // (head, block) merges, each from 16 shards
  CHECK(plan.merges.size() == units);
  CHECK(kv.partial_messages == units * 15);    // every shard but the home's own
  CHECK(kv.partial_bytes == kv.partial_messages * 128 * (64 + 2) * 4);
  CHECK(one.partial_messages == 0);
  for (std::uint32_t n : kv.core_jobs) CHECK(n == 8);  // one shard job per head on every core
  // Same SU-FA work spread out; the merges add exps and multiplies on top of one core's.
  CHECK(kv.ops.macs == one.ops.macs);
  CHECK(kv.ops.exps > one.ops.exps && kv.ops.multiplies > one.ops.multiplies);
  CHECK(kv.ops.divisions == one.ops.divisions);
  return finish();
}
