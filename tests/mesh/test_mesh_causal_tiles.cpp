// Causal jobs whose key tile is longer than a query block, in functional mode on 2x2 and 3x2
// meshes, for every orchestration: a per-core job covering the first blocks sees fewer keys than
// one tile (query_range_job drops the keys after its last query) and runs them as one partial tile,
// as the single-core job's ragged last tile. query_split, query_split_multicast and baseline equal
// the single-core model bit for bit; kv_split and ring equal the sharded model bit for bit and the
// single-core model within kKvSplitTolerance. GQA: 2 query heads on 1 K/V head (S = 384, and
// S = 640 for 512-key tiles) and 4 on 2 spread over two controllers (S = 256); full layers (K/V
// generated from X) under baseline, query_split and query_split_multicast. The multicast hub serves
// every member's tiles although a member's single partial tile is shorter than the others'.
#include <string>

#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"
#include "reference/generators.h"

using namespace star;
using namespace star::test;

namespace {

// 2 query heads on 1 K/V head, S = n queries, d = 32.
QuantizedQkv gqa_2on1(std::uint32_t n) {
  const QkvInputs in = generate_qkv(RowType::mixed, 2 * n, n, 32, 9);
  MatF q(n, 64);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < 32; ++c) q(i, c) = in.q(i, c), q(i, 32 + c) = in.q(n + i, c);
  return quantize_qkv(q, in.k, in.v, 2, 1, 32);
}

StarAlgoConfig causal_algo(std::uint32_t block, std::uint32_t tile) {
  StarAlgoConfig algo = mesh_algo(true);
  algo.block_queries = block;
  algo.tile_keys = tile;
  return algo;
}

std::vector<std::uint32_t> shard_bounds(const MeshPlan& plan, std::uint32_t tiles) {
  std::vector<std::uint32_t> bounds;
  const std::uint32_t P = std::min<std::uint32_t>(static_cast<std::uint32_t>(plan.per_core.size()), tiles);
  for (std::uint32_t s = 0; s <= P; ++s) bounds.push_back(static_cast<std::uint32_t>(std::uint64_t(tiles) * s / P));
  return bounds;
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh22("mesh22", mesh_config(2, 2, NocFidelity::Packet));
  SpatialStar mesh32("mesh32", mesh_config(3, 2, NocFidelity::Packet));
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  struct Case {
    QuantizedQkv qkv;
    std::uint32_t block, tile;
    bool spread;
  };
  const std::vector<Case> cases = {{gqa_2on1_qkv(), 64, 256, false},
                                   {gqa_2on1_qkv(), 128, 256, false},
                                   {gqa_2on1(640), 128, 512, false},
                                   {gqa_4on2_qkv(), 64, 256, true}};
  for (SpatialStar* mesh : {&mesh22, &mesh32})
    for (const Case& k : cases) {
      const StarAlgoConfig algo = causal_algo(k.block, k.tile);
      const MatF want = run_layer(k.qkv, algo).out;
      const MatF different = run_layer(k.qkv, negative_control(algo)).out;
      const std::uint32_t tiles = algo.tiling(static_cast<std::uint32_t>(k.qkv.k.values.rows())).n_tiles();
      for (Orchestration o : all_orchestrations()) {
        clear_stores(*mesh);
        std::vector<CoreJob> parts;
        if (k.spread) parts = place_qkv_spread(*mesh, k.qkv, algo);
        else parts = {place_qkv_on_mesh(*mesh, k.qkv, algo, 1)};
        const std::string what = std::string(mesh->name()) + " " + to_string(o) + " T=" + std::to_string(k.block) +
                                 " B_c=" + std::to_string(k.tile) + (k.spread ? " spread" : "");
        const MeshPlan plan = plan_layer(parts, o, *mesh);
        const MeshRunResult r = run_plan(*mesh, plan);
        const MatF got = k.spread ? read_spread_output(*mesh, parts) : read_mesh_output(*mesh, parts[0]);
        if (o == Orchestration::kv_split || o == Orchestration::ring) {
          const double err = relative_error(got, want);
          CHECK_MSG(err <= kKvSplitTolerance, what + ": error vs one core " + std::to_string(err));
          CHECK_MSG(relative_error(got, different) > kKvSplitTolerance, what + " (negative control)");
          CHECK_MSG(same_bits(got, run_layer_key_shards(k.qkv, algo, shard_bounds(plan, tiles))),
                    what + ": equals the sharded model");
        } else {
          CHECK_MSG(same_bits(got, want), what);
          CHECK_MSG(!same_bits(got, different), what + " (negative control)");
        }
        CHECK_MSG(r.noc.packets_delivered > 0, what + ": traffic crossed the NoC");
        if (o == Orchestration::query_split_multicast)
          CHECK_MSG(r.multicast.rounds > 0 && r.multicast.errors == 0 && r.multicast.stranded == 0,
                    what + ": K/V tiles multicast, every copy read");
        std::printf("%-52s %10.0f ns\n", what.c_str(), r.makespan.to_seconds() * 1e9);
      }
    }
  // Full layers (K/V generated on demand from X): 384 tokens, d_model 96, 4 query heads on 2 K/V
  // heads, d = 32, blocks of 64 queries, 256-key tiles; the orchestrations that take full layers.
  const LayerInputs li = generate_layer(RowType::spread, 384, 96, 4, 2, 32, 9);
  const QuantizedLayer layer = quantize_layer(li.x, li.w_q, li.w_k, li.w_v, 4, 2, 32);
  const StarAlgoConfig algo = causal_algo(64, 256);
  const LayerShifts shifts = calibrate_layer_shifts(layer, algo.predictor);
  const MatF want = run_layer(layer, algo, shifts).out;
  const MatF different = run_layer(layer, negative_control(algo), shifts).out;
  for (SpatialStar* mesh : {&mesh22, &mesh32})
    for (Orchestration o : all_orchestrations()) {
      if (!takes_full_layer(o)) continue;
      clear_stores(*mesh);
      const CoreJob job = place_layer_on_mesh(*mesh, layer, algo, shifts, 1);
      const MeshRunResult r = run_plan(*mesh, plan_layer(job, o, *mesh));
      const MatF got = read_mesh_output(*mesh, job);
      const std::string what = std::string(mesh->name()) + " full layer " + to_string(o) + " T=64 B_c=256";
      CHECK_MSG(same_bits(got, want), what);
      CHECK_MSG(!same_bits(got, different), what + " (negative control)");
      if (o == Orchestration::query_split_multicast)
        CHECK_MSG(r.multicast.rounds > 0 && r.multicast.errors == 0 && r.multicast.stranded == 0,
                  what + ": X tiles multicast, every copy read");
      std::printf("%-52s %10.0f ns\n", what.c_str(), r.makespan.to_seconds() * 1e9);
    }
  return finish();
}
