// query_split_multicast with performance-mode cell batching (PerformanceWorkload::batch_tiles),
// packet NoC, on 2x2 (one group of 4 cores on one K/V head: GQA, causal and not) and 4x4 (8
// groups of 2). Against the same plan at batch 1:
//  - the hub reads exactly the same K/V bytes from DRAM (each byte of the union of a stripe's
//    streams once per pass), every controller reads and writes the same bytes, and every core's
//    fetcher moves the same bytes and counts the same operations: the members get what their jobs
//    need, although their macro-cell bursts differ (the last cell of a shorter causal job);
//  - the same batched jobs without the hub read exactly (delivered - hub DRAM) bytes more;
//  - fewer rounds and NoC packets, rounds in flight within the receive buffer (also a one-unit
//    buffer, which makes rounds wait), nothing stranded;
//  - the makespan near batch 1's (loose bound: these one-block jobs have only 4 or 8 tiles, and a
//    job of n tiles in n / k macro cells overlaps its pipeline stages less; docs/mesh.md has the
//    figures at long S).
#include <cmath>
#include <stdexcept>
#include <string>

#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"

using namespace star;
using namespace star::test;

namespace {

std::uint64_t tight_waits = 0;  // rounds the one-unit buffers held back

MeshConfig packet_performance_mesh(std::uint32_t w, std::uint32_t h) {
  MeshConfig cfg = performance_mesh_config(w, h);
  cfg.noc.fidelity = NocFidelity::Packet;
  return cfg;
}

MeshRunResult run(SpatialStar& mesh, const MeshPlan& plan, std::uint32_t k) {
  PerformanceWorkload perf;
  perf.batch_tiles = k;
  return run_plan(mesh, plan, perf);
}

void compare(SpatialStar& mesh, const std::vector<CoreJob>& parts, const std::string& what,
             std::uint32_t k) {
  const MeshPlan plan = plan_layer(parts, Orchestration::query_split_multicast, mesh);
  const MeshRunResult one = run(mesh, plan, 1), b = run(mesh, plan, k);
  const std::string w = what + ", k = " + std::to_string(k);
  CHECK_MSG(b.multicast.errors == 0 && b.multicast.stranded == 0, w + ": every read served, every copy read");
  CHECK_MSG(b.multicast.dram_bytes == one.multicast.dram_bytes,
            w + ": hub DRAM bytes " + std::to_string(b.multicast.dram_bytes) + " vs batch 1 " +
                std::to_string(one.multicast.dram_bytes));
  CHECK_MSG(b.multicast.delivered_bytes == one.multicast.delivered_bytes, w + ": same bytes delivered");
  CHECK_MSG(b.controller_bytes_read == one.controller_bytes_read, w + ": same reads per controller");
  CHECK_MSG(b.controller_bytes_written == one.controller_bytes_written, w + ": same writes per controller");
  CHECK_MSG(b.ops == one.ops, w + ": same operation counts");
  for (std::uint32_t c = 0; c < mesh.cores(); ++c)
    CHECK_MSG(b.core_activity[c].dram_bytes == one.core_activity[c].dram_bytes &&
                  b.core_jobs[c] == one.core_jobs[c],
              w + ": core " + std::to_string(c) + " moves the bytes of its jobs");
  CHECK_MSG(b.multicast.rounds < one.multicast.rounds, w + ": fewer rounds");
  CHECK_MSG(b.noc.packets_delivered < one.noc.packets_delivered, w + ": fewer NoC packets");
  const std::uint64_t tile_bytes = std::uint64_t(parts[0].tiling().tile_keys) * parts[0].head_dim * 2;
  const std::uint64_t unit = std::max(tile_bytes, macro_cell_burst_bytes(mesh.config().core.max_burst_bytes, k));
  CHECK_MSG(b.multicast.buffer_high_water <= plan.tiles_in_flight * unit, w + ": within the receive buffer");

  if (mesh.cores() == 4) {  // a one-unit receive buffer: rounds wait, nothing deadlocks or changes
    MeshPlan tight = plan;
    tight.tiles_in_flight = 1;
    const MeshRunResult t = run(mesh, tight, k);
    CHECK_MSG(t.multicast.errors == 0 && t.multicast.stranded == 0 && t.multicast.buffer_high_water <= unit &&
                  t.multicast.dram_bytes == b.multicast.dram_bytes,
              w + ": one-unit buffer");
    tight_waits += t.multicast.waits_for_buffer;
  }

  // The same batched jobs, each core reading its K/V itself.
  const MeshRunResult uc = run(mesh, without_multicast(plan), k);
  CHECK_MSG(total(uc.controller_bytes_read) - total(b.controller_bytes_read) ==
                b.multicast.delivered_bytes - b.multicast.dram_bytes,
            w + ": unicast reads the delivered bytes");

  const double err = b.makespan / one.makespan - 1;
  CHECK_MSG(std::abs(err) < 0.3, w + ": makespan far from batch 1's");
  std::printf("%-28s k = %2u: makespan %.3f ms vs %.3f ms (%+.1f %%), hub DRAM %llu B, rounds %llu vs %llu, "
              "NoC packets %llu vs %llu, buffer high water %llu B, %llu buffer waits\n",
              what.c_str(), k, b.makespan.to_seconds() * 1e3, one.makespan.to_seconds() * 1e3, 100 * err,
              static_cast<unsigned long long>(b.multicast.dram_bytes),
              static_cast<unsigned long long>(b.multicast.rounds),
              static_cast<unsigned long long>(one.multicast.rounds),
              static_cast<unsigned long long>(b.noc.packets_delivered),
              static_cast<unsigned long long>(one.noc.packets_delivered),
              static_cast<unsigned long long>(b.multicast.buffer_high_water),
              static_cast<unsigned long long>(b.multicast.waits_for_buffer));
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh22("mesh22", packet_performance_mesh(2, 2));
  SpatialStar mesh44("mesh44", packet_performance_mesh(4, 4));
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  for (bool causal : {false, true}) {
    // 4 query heads on one K/V head (one group of 4 cores), S = 4K.
    CoreJob job;
    job.seq_len = job.n_queries = 2048;
    job.heads = 4;
    job.kv_heads = 1;
    job.head_dim = 128;
    job.algo.sads.keep = 0.2;
    // Causal: the first block's job sees 128 keys, so its tiles may not be longer (validate()).
    job.algo.tile_keys = causal ? 128 : 512;
    job.algo.causal = causal;
    const std::vector<CoreJob> parts = spread_layer(job, mesh22);
    for (std::uint32_t k : {2u, 4u}) compare(mesh22, parts, std::string("2x2 GQA") + (causal ? " causal" : ""), k);
  }
  {
    // 16 heads over the 8 controllers: 8 groups of 2 cores.
    CoreJob job;
    job.seq_len = job.n_queries = 2048;
    job.heads = job.kv_heads = 16;
    job.head_dim = 128;
    job.algo.sads.keep = 0.2;
    job.algo.tile_keys = 512;
    compare(mesh44, spread_layer(job, mesh44), "4x4", 4);
  }
  CHECK_MSG(tight_waits > 0, "the one-unit buffers made rounds wait");
  return finish();
}
