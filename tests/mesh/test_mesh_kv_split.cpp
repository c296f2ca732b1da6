// kv_split in functional mode on 2x2 and 3x2 meshes, non-causal and causal, GQA in one
// controller and spread over two: the cores' partials cross the NoC to each block's home core,
// which merges them. Checks:
//  - bit for bit equal to the algorithm model's key-sharded arithmetic (run_layer_key_shards with
//    the plan's shards: same selections, same merge order);
//  - within the stated tolerance of the single-core output run_layer(...).out: the merge
//    reassociates float sums, max |got - want| <= 1e-5 * max |want| (docs/mesh.md derives it);
//    a negative control (keep 0.5) is outside that tolerance;
//  - bit for bit equal to run_layer on one core of the mesh (one shard: same order);
//  - the expected number of partial messages crossed the NoC, rows x (d + 2) x 4 bytes each.
#include <algorithm>

#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"

using namespace star;
using namespace star::test;

namespace {

// The plan's shards as tile bounds (every core's jobs share them).
std::vector<std::uint32_t> shard_bounds(const MeshPlan& plan) {
  std::vector<std::uint32_t> b{0};
  for (const auto& jobs : plan.per_core)
    if (!jobs.empty()) b.push_back(jobs.front().tile_end ? jobs.front().tile_end : jobs.front().tiling().n_tiles());
  return b;
}

// Partial messages the plan must send: one per (block, shard) whose core is not the block's home.
std::uint64_t expected_messages(const MeshPlan& plan) {
  std::uint64_t n = 0;
  for (const PartialMerge& m : plan.merges)
    for (std::uint32_t s : m.shards) n += s != m.home;  // kv_split: shard s is core s's
  return n;
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh22("mesh22", mesh_config(2, 2));
  SpatialStar mesh32("mesh32", mesh_config(3, 2));
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  // GQA: 2 query heads on 1 K/V head, 384 queries and keys, d = 32.
  const QuantizedQkv qkv = gqa_2on1_qkv();
  // 4 query heads on 2 K/V groups (256 queries), spread over two controllers.
  const QuantizedQkv qkv4 = gqa_4on2_qkv();

  for (SpatialStar* mesh : {&mesh22, &mesh32}) {
    for (bool causal : {false, true}) {
      StarAlgoConfig algo;
      algo.sads.keep = 0.25;
      algo.subsegments = 6;  // 6 key tiles: 4 uneven shards on 2x2, one tile per core on 3x2
      algo.block_queries = 128;
      algo.causal = causal;
      const std::string tag = std::string(mesh->name()) + (causal ? " causal" : "");
      const MatF single = run_layer(qkv, algo).out;
      const MatF different = run_layer(qkv, negative_control(algo)).out;
      {
        clear_stores(*mesh);
        const CoreJob job = place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshPlan plan = plan_layer(job, Orchestration::kv_split, *mesh);
        const MeshRunResult r = run_plan(*mesh, plan);
        const MatF got = read_mesh_output(*mesh, job);
        const std::vector<std::uint32_t> bounds = shard_bounds(plan);
        CHECK_MSG(bounds.size() == std::min<std::size_t>(mesh->cores(), 6) + 1, tag);
        CHECK_MSG(same_bits(got, run_layer_key_shards(qkv, algo, bounds)), tag + ": equals the sharded model");
        const double err = relative_error(got, single);
        CHECK_MSG(err <= kKvSplitTolerance, tag + ": error vs one core " + std::to_string(err));
        CHECK_MSG(relative_error(different, single) > 100 * kKvSplitTolerance, tag + " (negative control)");
        CHECK_MSG(relative_error(got, different) > kKvSplitTolerance, tag + " (negative control)");
        const std::uint64_t msgs = expected_messages(plan);
        CHECK_MSG(msgs > 0 && r.partial_messages == msgs,
                  tag + ": partial messages " + std::to_string(r.partial_messages) + " of " + std::to_string(msgs));
        CHECK_MSG(r.partial_bytes == msgs * 128 * (32 + 2) * 4, tag + ": partial bytes");
        CHECK_MSG(r.noc.packets_delivered > msgs, tag + ": traffic crossed the NoC");
        std::uint32_t full = 0, fewer = 0;
        for (const PartialMerge& m : plan.merges) (m.shards.size() + 1 == bounds.size() ? full : fewer)++;
        CHECK_MSG(causal ? fewer > 0 : fewer == 0, tag + ": causal blocks skip later shards");
        CHECK_MSG(cores_used(r) == bounds.size() - 1, tag + ": cores used");
        std::printf("%-24s kv_split %9.0f ns, %llu packets, %llu partial messages, error %.2e\n", tag.c_str(),
                    r.makespan.to_seconds() * 1e9, static_cast<unsigned long long>(r.noc.packets_delivered),
                    static_cast<unsigned long long>(r.partial_messages), err);
      }
      {  // one core: one shard, the single-core order: bit for bit
        clear_stores(*mesh);
        const CoreJob job = place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshRunResult r = run_plan(*mesh, plan_layer(job, Orchestration::kv_split, *mesh, 1));
        CHECK_MSG(same_bits(read_mesh_output(*mesh, job), single), tag + " one core");
        CHECK_MSG(r.partial_messages == 0, tag + " one core: the partials stay local");
      }
      {  // spread placement, 2 K/V groups
        clear_stores(*mesh);
        const std::vector<CoreJob> groups = place_qkv_spread(*mesh, qkv4, algo);
        const MeshPlan plan = plan_layer(groups, Orchestration::kv_split, *mesh);
        const MeshRunResult r = run_plan(*mesh, plan);
        const MatF got = read_spread_output(*mesh, groups);
        CHECK_MSG(same_bits(got, run_layer_key_shards(qkv4, algo, shard_bounds(plan))), tag + " spread: sharded model");
        const double err = relative_error(got, run_layer(qkv4, algo).out);
        CHECK_MSG(err <= kKvSplitTolerance, tag + " spread: error vs one core " + std::to_string(err));
        CHECK_MSG(r.partial_messages == expected_messages(plan), tag + " spread: messages");
        CHECK_MSG(r.controller_bytes_read[0] > 0 && r.controller_bytes_read[1] > 0, tag + " spread: both controllers");
        std::printf("%-24s spread   %9.0f ns, error %.2e\n", tag.c_str(), r.makespan.to_seconds() * 1e9, err);
      }
    }
  }
  // The sharded model with one shard is the single-core model.
  StarAlgoConfig algo;
  algo.sads.keep = 0.25;
  algo.subsegments = 6;
  CHECK(same_bits(run_layer_key_shards(qkv, algo, {0, 6}), run_layer(qkv, algo).out));
  bool refused = false;
  try {
    run_layer_key_shards(qkv, algo, {0, 3, 3, 6});
  } catch (const std::invalid_argument&) {
    refused = true;
  }
  CHECK(refused);
  return finish();
}
