// query_split_multicast in functional mode on 2x2 and 3x2 meshes, with and without causal masking:
//  - the output read back from DRAM equals the single-core model's bit for bit (and a negative
//    control with another keep ratio differs);
//  - the K/V streams left DRAM once per stripe: the same per-core jobs run without the hub
//    (every core reading its K/V tiles itself) read exactly the bytes the hub delivered to the
//    members, and, without causal masking, the group size times the bytes the hub read;
//  - nothing else changed: each controller's reads are its Q rows plus the hub's K/V rounds;
//  - query_split (gathers of selected V rows, no multicast) reads more K/V bytes.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../platform/platform_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"
#include "reference/generators.h"

using namespace star;
using namespace star::test;

namespace {

bool same_bits(const MatF& a, const MatF& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

MeshConfig mesh_config(std::uint32_t w, std::uint32_t h) {
  MeshConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.memory.capacity_bytes = std::uint64_t{4} << 30;
  return cfg;
}

std::uint64_t sum(const std::vector<std::uint64_t>& v) {
  std::uint64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

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
  const QkvInputs in = generate_qkv(RowType::mixed, 2 * 384, 384, 32, 5);
  MatF q(384, 64);
  for (std::size_t i = 0; i < 384; ++i)
    for (std::size_t c = 0; c < 32; ++c) q(i, c) = in.q(i, c), q(i, 32 + c) = in.q(384 + i, c);
  const QuantizedQkv qkv = quantize_qkv(q, in.k, in.v, 2, 1, 32);
  // 4 query heads on 2 K/V groups (d = 32, 256 queries), spread over two controllers.
  const QkvInputs in4 = generate_qkv(RowType::spread, 256, 256, 32, 11);
  MatF q4(256, 128), k4(256, 64), v4(256, 64);
  for (std::size_t i = 0; i < 256; ++i)
    for (std::size_t c = 0; c < 32; ++c) {
      for (std::size_t h = 0; h < 4; ++h) q4(i, h * 32 + c) = in4.q(i, c) * (1 + 0.25f * h);
      k4(i, c) = in4.k(i, c), k4(i, 32 + c) = in4.k(255 - i, c);
      v4(i, c) = in4.v(i, c), v4(i, 32 + c) = -in4.v(i, c);
    }
  const QuantizedQkv qkv4 = quantize_qkv(q4, k4, v4, 4, 2, 32);

  // Bad group counts are refused while planning, before any simulation step (an exception after
  // sc_start confuses ASan with Debian's SystemC).
  try {
    plan_layer(place_qkv_spread(mesh22, qkv4, StarAlgoConfig{}), Orchestration::query_split_multicast, mesh22, 0, 0, 3);
    CHECK_MSG(false, "3 groups for 2 K/V heads refused");
  } catch (const std::invalid_argument& e) {
    CHECK_MSG(std::string(e.what()).find("3 multicast groups") != std::string::npos, e.what());
  }
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // finish elaboration: sockets are bound

  for (SpatialStar* mesh : {&mesh22, &mesh32}) {
    for (bool causal : {false, true}) {
      StarAlgoConfig algo;
      algo.sads.keep = 0.25;
      algo.subsegments = 3;
      algo.block_queries = 128;
      algo.causal = causal;
      StarAlgoConfig other = algo;  // negative control: the comparison tells outputs apart
      other.sads.keep = 0.5;
      for (bool spread : {false, true}) {
        const QuantizedQkv& layer = spread ? qkv4 : qkv;
        for (std::uint32_t m = 0; m < mesh->controllers(); ++m) mesh->memory(m).clear_store();
        const std::vector<CoreJob> parts =
            spread ? place_qkv_spread(*mesh, qkv4, algo) : std::vector<CoreJob>{place_qkv_on_mesh(*mesh, qkv, algo, 1)};
        auto output = [&] { return spread ? read_spread_output(*mesh, parts) : read_mesh_output(*mesh, parts[0]); };
        const std::string what = std::string(mesh->name()) + (spread ? " spread" : " one-controller") +
                                 (causal ? " causal" : "");

        const MeshPlan plan = plan_layer(parts, Orchestration::query_split_multicast, *mesh);
        const MeshRunResult mc = run_plan(*mesh, plan);
        const MatF got = output();
        CHECK_MSG(same_bits(got, run_layer(layer, algo).out), what + ": equals the single-core model");
        CHECK_MSG(!same_bits(got, run_layer(layer, other).out), what + " (negative control)");
        CHECK_MSG(mc.multicast.errors == 0 && mc.multicast.stranded == 0, what + ": every K/V read served, every copy read");
        CHECK_MSG(mc.multicast.rounds > 0, what + ": rounds multicast");
        CHECK_MSG(plan.groups.size() == parts.size(), what + ": one group per K/V head here");
        std::uint32_t used = 0;
        for (std::uint32_t n : mc.core_jobs) used += n > 0;
        CHECK_MSG(used == mesh->cores(), what + ": every core worked");

        // Same jobs, each core reading its K/V tiles itself: no hub.
        MeshPlan unicast = plan;
        unicast.kind = Orchestration::query_split;
        unicast.groups.clear();
        unicast.stripes.clear();
        for (std::uint32_t m = 0; m < mesh->controllers(); ++m) mesh->memory(m).clear_store();
        if (spread) place_qkv_spread(*mesh, qkv4, algo); else place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshRunResult uc = run_plan(*mesh, unicast);
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
        CHECK_MSG(sum(mc.controller_bytes_written) == sum(uc.controller_bytes_written), what + ": same writes");
        const std::uint64_t tile_bytes = std::uint64_t(parts[0].tiling().tile_keys) * parts[0].head_dim * 2;
        CHECK_MSG(mc.multicast.buffer_high_water <= plan.tiles_in_flight * tile_bytes,
                  what + ": rounds in flight within the receive buffer");
        if (spread && !causal) {
          // One group of every core for both K/V heads: the heads in turn, every core on each.
          for (std::uint32_t m = 0; m < mesh->controllers(); ++m) mesh->memory(m).clear_store();
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
          for (std::uint32_t m = 0; m < mesh->controllers(); ++m) mesh->memory(m).clear_store();
          place_qkv_on_mesh(*mesh, qkv, algo, 1);
          const MeshRunResult t = run_plan(*mesh, tight);
          CHECK_MSG(same_bits(output(), got), what + ": tight buffer, same bits");
          CHECK_MSG(t.multicast.buffer_high_water <= tile_bytes, what + ": tight buffer respected");
          CHECK_MSG(t.multicast.waits_for_buffer > 0, what + ": tight buffer made rounds wait");
          CHECK_MSG(t.multicast.dram_bytes == mc.multicast.dram_bytes, what + ": tight buffer, same DRAM bytes");
        }

        // query_split for reference: its K/V reads (tiles and gathered V rows).
        for (std::uint32_t m = 0; m < mesh->controllers(); ++m) mesh->memory(m).clear_store();
        if (spread) place_qkv_spread(*mesh, qkv4, algo); else place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshRunResult qs = run_plan(*mesh, plan_layer(parts, Orchestration::query_split, *mesh));
        const std::uint64_t qs_kv = sum(qs.controller_bytes_read) - sum(qr);
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
