// query_split_multicast in functional mode on 2x2 and 3x2 meshes, with and without causal masking:
//  - the output read back from DRAM equals the single-core model's bit for bit (and a negative
//    control with another keep ratio differs);
//  - the K/V streams left DRAM once per stripe: the same per-core jobs run without the hub
//    (every core reading its K/V tiles itself) read exactly the bytes the hub delivered to the
//    members, and, without causal masking, the group size times the bytes the hub read;
//  - nothing else changed: each controller's reads are its Q rows plus the hub's K/V rounds;
//  - query_split (gathers of selected V rows, no multicast) reads more K/V bytes;
//  - batching (PerformanceWorkload::batch_tiles > 1) is refused in functional mode.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"

using namespace star;
using namespace star::test;

namespace {

// Per controller: reads of the parts' Q rows (each read once by the core owning the row).
std::vector<std::uint64_t> q_reads(const SpatialStar& mesh, const std::vector<CoreJob>& parts) {
  std::vector<std::uint64_t> q(mesh.controllers(), 0);
  for (const CoreJob& p : parts) q[p.q_addr / mesh.config().memory.capacity_bytes] += p.q_bytes();
  return q;
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh22("mesh22", mesh_config(2, 2));
  SpatialStar mesh32("mesh32", mesh_config(3, 2));
  // GQA: 2 query heads on 1 K/V head, 384 queries (3 blocks per head), d = 32.
  const QuantizedQkv qkv = gqa_2on1_qkv();
  // 4 query heads on 2 K/V groups (d = 32, 256 queries), spread over two controllers.
  const QuantizedQkv qkv4 = gqa_4on2_qkv();

  // Bad group counts are refused while planning, before any simulation step (an exception after
  // sc_start confuses ASan with Debian's SystemC).
  try {
    plan_layer(place_qkv_spread(mesh22, qkv4, StarAlgoConfig{}), Orchestration::query_split_multicast, mesh22, 0, 0, 3);
    CHECK_MSG(false, "3 groups for 2 K/V heads refused");
  } catch (const std::invalid_argument& e) {
    CHECK_MSG(std::string(e.what()).find("3 multicast groups") != std::string::npos, e.what());
  }
  // Functional mode runs one key tile per cell: batching is refused before the run starts
  // (performance mode batches: test_mesh_multicast_batching).
  try {
    PerformanceWorkload batched;
    batched.batch_tiles = 4;
    run_plan(mesh22, plan_layer(place_qkv_spread(mesh22, qkv4, StarAlgoConfig{}), Orchestration::query_split_multicast,
                                mesh22),
             batched);
    CHECK_MSG(false, "functional batching refused");
  } catch (const std::invalid_argument& e) {
    CHECK_MSG(std::string(e.what()).find("performance mode only") != std::string::npos, e.what());
  }
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // finish elaboration: sockets are bound

  for (SpatialStar* mesh : {&mesh22, &mesh32}) {
    for (bool causal : {false, true}) {
      const StarAlgoConfig algo = mesh_algo(causal);
      for (bool spread : {false, true}) {
        const QuantizedQkv& layer = spread ? qkv4 : qkv;
        clear_stores(*mesh);
        const std::vector<CoreJob> parts =
            spread ? place_qkv_spread(*mesh, qkv4, algo) : std::vector<CoreJob>{place_qkv_on_mesh(*mesh, qkv, algo, 1)};
        auto output = [&] { return spread ? read_spread_output(*mesh, parts) : read_mesh_output(*mesh, parts[0]); };
        const std::string what = std::string(mesh->name()) + (spread ? " spread" : " one-controller") +
                                 (causal ? " causal" : "");

        const MeshPlan plan = plan_layer(parts, Orchestration::query_split_multicast, *mesh);
        const MeshRunResult mc = run_plan(*mesh, plan);
        const MatF got = output();
        CHECK_MSG(same_bits(got, run_layer(layer, algo).out), what + ": equals the single-core model");
        CHECK_MSG(!same_bits(got, run_layer(layer, negative_control(algo)).out), what + " (negative control)");
        CHECK_MSG(mc.multicast.errors == 0 && mc.multicast.stranded == 0, what + ": every K/V read served, every copy read");
        CHECK_MSG(mc.multicast.rounds > 0, what + ": rounds multicast");
        CHECK_MSG(plan.groups.size() == parts.size(), what + ": one group per K/V head here");
        CHECK_MSG(cores_used(mc) == mesh->cores(), what + ": every core worked");

        // Same jobs, each core reading its K/V tiles itself: no hub.
        clear_stores(*mesh);
        if (spread) place_qkv_spread(*mesh, qkv4, algo); else place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshRunResult uc = run_plan(*mesh, without_multicast(plan));
        CHECK_MSG(same_bits(output(), got), what + ": unicast run of the same jobs, same bits");
        CHECK_MSG(uc.multicast.rounds == 0, what + ": the hub is idle without groups");
        const std::vector<std::uint64_t> qr = q_reads(*mesh, parts);
        std::uint64_t uc_kv = 0, mc_kv = 0;
        for (std::uint32_t m = 0; m < mesh->controllers(); ++m) {
          CHECK_MSG(uc.controller_bytes_read[m] >= qr[m] && mc.controller_bytes_read[m] >= qr[m],
                    what + ": Q rows read from controller " + std::to_string(m));
          uc_kv += uc.controller_bytes_read[m] - qr[m];
          mc_kv += mc.controller_bytes_read[m] - qr[m];
        }
        CHECK_MSG(mc_kv == mc.multicast.dram_bytes, what + ": K/V reads are the hub's rounds, nothing else");
        CHECK_MSG(uc_kv == mc.multicast.delivered_bytes, what + ": members got what they would have read");
        // Every job streams the same K/V bytes without causal masking: the drop is the mean
        // number of members per stripe (the group size when the blocks fill every stripe).
        std::uint64_t jobs = 0, stripes = 0;
        for (const auto& g : plan.groups) {
          std::uint32_t last = 0;
          for (std::uint32_t c : g) {
            jobs += plan.stripes[c].size();
            for (std::uint32_t s : plan.stripes[c]) last = std::max(last, s);
          }
          stripes += last + 1;
        }
        const double group_size = double(jobs) / double(stripes);
        if (!causal)
          CHECK_MSG(uc_kv * stripes == mc_kv * jobs, what + ": K/V bytes drop by the members per stripe");
        CHECK_MSG(uc_kv > mc_kv, what + ": K/V bytes drop");
        CHECK_MSG(total(mc.controller_bytes_written) == total(uc.controller_bytes_written), what + ": same writes");
        const std::uint64_t tile_bytes = std::uint64_t(parts[0].tiling().tile_keys) * parts[0].head_dim * 2;
        CHECK_MSG(mc.multicast.buffer_high_water <= plan.tiles_in_flight * tile_bytes,
                  what + ": rounds in flight within the receive buffer");
        if (spread && !causal) {
          // One group of every core for both K/V heads: the heads in turn, every core on each.
          clear_stores(*mesh);
          place_qkv_spread(*mesh, qkv4, algo);
          const MeshPlan one = plan_layer(parts, Orchestration::query_split_multicast, *mesh, 0, 0, 1);
          const MeshRunResult o1 = run_plan(*mesh, one);
          CHECK_MSG(one.groups.size() == 1 && one.groups[0].size() == mesh->cores(), what + ": one group");
          CHECK_MSG(same_bits(output(), got), what + ": one group, same bits");
          CHECK_MSG(o1.multicast.delivered_bytes == mc.multicast.delivered_bytes &&
                        o1.multicast.dram_bytes < mc.multicast.dram_bytes,
                    what + ": one larger group reads fewer K/V bytes for the same delivered");
        }
        if (!spread && !causal) {
          // A buffer of one tile: one round in flight at a time.
          MeshPlan tight = plan;
          tight.tiles_in_flight = 1;
          clear_stores(*mesh);
          place_qkv_on_mesh(*mesh, qkv, algo, 1);
          const MeshRunResult t = run_plan(*mesh, tight);
          CHECK_MSG(same_bits(output(), got), what + ": tight buffer, same bits");
          CHECK_MSG(t.multicast.buffer_high_water <= tile_bytes, what + ": tight buffer respected");
          CHECK_MSG(t.multicast.waits_for_buffer > 0, what + ": tight buffer made rounds wait");
          CHECK_MSG(t.multicast.dram_bytes == mc.multicast.dram_bytes, what + ": tight buffer, same DRAM bytes");
        }

        // query_split for reference: its K/V reads (tiles and gathered V rows).
        clear_stores(*mesh);
        if (spread) place_qkv_spread(*mesh, qkv4, algo); else place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshRunResult qs = run_plan(*mesh, plan_layer(parts, Orchestration::query_split, *mesh));
        const std::uint64_t qs_kv = total(qs.controller_bytes_read) - total(qr);
        CHECK_MSG(qs_kv > mc_kv, what + ": fewer K/V DRAM bytes than query_split");
        std::printf("%-32s groups %zu, %.2f jobs per stripe: K/V DRAM bytes multicast %llu, same jobs unicast %llu "
                    "(%.2fx), query_split %llu (%.2fx); buffer high water %llu B; makespan %.0f / %.0f / %.0f ns\n",
                    what.c_str(), plan.groups.size(), group_size,
                    static_cast<unsigned long long>(mc_kv), static_cast<unsigned long long>(uc_kv),
                    double(uc_kv) / double(mc_kv), static_cast<unsigned long long>(qs_kv),
                    double(qs_kv) / double(mc_kv), static_cast<unsigned long long>(mc.multicast.buffer_high_water),
                    mc.makespan.to_seconds() * 1e9, uc.makespan.to_seconds() * 1e9, qs.makespan.to_seconds() * 1e9);
      }
    }
  }
  return finish();
}
