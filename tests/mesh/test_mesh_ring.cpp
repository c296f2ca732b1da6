// ring in functional mode on 2x2 and 3x2 meshes, non-causal and causal, GQA in one controller
// and spread over two: the K/V shards rotate around the snake ring over the NoC and every core
// merges its own blocks' partials. Checks:
//  - the ring is a cycle of one-hop neighbours (snake order);
//  - bit for bit equal to the model's key-sharded arithmetic (run_layer_key_shards with the
//    ring's shards, merged in shard order), hence to kv_split's output;
//  - within max |got - want| <= 1e-5 * max |want| of the single-core output (the merge
//    reassociates float sums, docs/mesh.md), a negative control (keep 0.5) outside it;
//  - bit for bit equal to run_layer on one core (one shard);
//  - every shard but the last of each phase was passed on: phases x P x (P - 1) shards of
//    S / P keys x d x 2 bytes x (K, V), in 16 KiB messages; no partial crossed the NoC;
//  - a ring buffer that holds one tile per piece: the keys go round in 2 rounds of 4 pieces of
//    one tile (two of them empty), same bits as the one-tile-per-shard model; a buffer smaller
//    than one tile (held and received, K and V) is refused before the simulation, naming sizes.
#include <algorithm>

#include "../platform/platform_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"
#include "mesh_test_support.h"

using namespace star;
using namespace star::test;

namespace {

std::vector<std::uint32_t> even_bounds(std::uint32_t tiles, std::uint32_t shards) {
  std::vector<std::uint32_t> b;
  for (std::uint32_t s = 0; s <= shards; ++s) b.push_back(tiles * s / shards);
  return b;
}

std::uint64_t expected_shard_messages(const MeshPlan& plan) {
  const std::uint64_t P = plan.ring.members.size();
  std::uint64_t n = 0;
  for (const auto& phase : plan.ring.shards)
    for (const auto& s : phase) n += (2 * s.bytes + 16383) / 16384;
  return n * (P - 1);  // every shard travels P - 1 hops
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  // The snake ring: a cycle of one-hop neighbours on 4x4, 3x2, 2x3, 2x2.
  for (auto [w, h] : {std::pair<std::uint32_t, std::uint32_t>{4, 4}, {3, 2}, {2, 3}, {2, 2}}) {
    const std::vector<std::uint32_t> ring = snake_ring(w, h);
    std::vector<std::uint32_t> sorted = ring;
    std::sort(sorted.begin(), sorted.end());
    bool permutation = sorted.size() == w * h;
    for (std::uint32_t i = 0; permutation && i < sorted.size(); ++i) permutation = sorted[i] == i;
    CHECK_MSG(permutation, std::to_string(w) + "x" + std::to_string(h));
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const std::uint32_t a = ring[i], b = ring[(i + 1) % ring.size()];
      const std::uint32_t dx = a % w > b % w ? a % w - b % w : b % w - a % w;
      const std::uint32_t dy = a / w > b / w ? a / w - b / w : b / w - a / w;
      CHECK_MSG(dx + dy == 1, std::to_string(w) + "x" + std::to_string(h) + " step " + std::to_string(i));
    }
  }

  SpatialStar mesh22("mesh22", mesh_config(2, 2));
  SpatialStar mesh32("mesh32", mesh_config(3, 2));
  MeshConfig small_cfg = mesh_config(2, 2);
  small_cfg.ring_buffer_bytes = 16 * 1024;  // 4 x 64 keys x d 32 x 2 B: one tile a piece
  SpatialStar small("small", small_cfg);
  SpatialStar mesh44("mesh44", performance_mesh_config(4, 4));
  {  // Refused before the first simulation step (ASan: no exception after sc_start): at d = 128
     // one 64-key tile's K and V, held and received, is 64 KiB.
    CoreJob too_big;
    too_big.seq_len = too_big.n_queries = 384;
    too_big.head_dim = 128;
    too_big.algo.tile_keys = 64;
    CHECK(throws_naming([&] { plan_layer(too_big, Orchestration::ring, small); },
                        "needs 65536 bytes; the ring buffer (MeshConfig::ring_buffer_bytes) holds 16384 bytes"));
  }
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  const QuantizedQkv qkv = gqa_2on1_qkv();   // 2 query heads on 1 K/V head, S = 384, d = 32
  const QuantizedQkv qkv4 = gqa_4on2_qkv();  // 4 query heads on 2 K/V heads, S = 256, d = 32

  {  // The buffer holds one tile per piece: 6 tiles in 2 rounds of 4 pieces on 2x2.
    StarAlgoConfig algo = mesh_algo(false);
    algo.subsegments = 6;
    const CoreJob job = place_qkv_on_mesh(small, qkv, algo, 1);
    const MeshPlan plan = plan_layer(job, Orchestration::ring, small);
    const MeshRunResult r = run_plan(small, plan);
    const MatF got = read_mesh_output(small, job);
    CHECK(plan.ring.rounds == 2 && plan.ring.phases == 2);
    CHECK(same_bits(got, run_layer_key_shards(qkv, algo, {0, 1, 2, 3, 4, 5, 6})));
    CHECK(relative_error(got, run_layer(qkv, algo).out) <= kKvSplitTolerance);
    CHECK(r.shard_messages == expected_shard_messages(plan));
    CHECK(r.shard_bytes == 2 * 384ull * 32 * 2 * 3);  // every piece travels 3 hops
    std::printf("ring buffer 16 KiB: 2 rounds, %llu shard messages\n", static_cast<unsigned long long>(r.shard_messages));
  }

  for (SpatialStar* mesh : {&mesh22, &mesh32}) {
    for (bool causal : {false, true}) {
      StarAlgoConfig algo;
      algo.sads.keep = 0.25;
      algo.subsegments = 6;
      algo.block_queries = 128;
      algo.causal = causal;
      const std::string tag = std::string(mesh->name()) + (causal ? " causal" : "");
      const std::uint32_t P = std::min<std::uint32_t>(mesh->cores(), 6);
      const MatF single = run_layer(qkv, algo).out;
      StarAlgoConfig other = algo;
      other.sads.keep = 0.5;
      const MatF different = run_layer(qkv, other).out;
      {
        mesh->memory(1).clear_store();
        const CoreJob job = place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshPlan plan = plan_layer(job, Orchestration::ring, *mesh);
        const MeshRunResult r = run_plan(*mesh, plan);
        const MatF got = read_mesh_output(*mesh, job);
        CHECK_MSG(plan.ring.members.size() == P && plan.ring.phases == 1, tag);
        CHECK_MSG(same_bits(got, run_layer_key_shards(qkv, algo, even_bounds(6, P))), tag + ": equals the sharded model");
        const double err = relative_error(got, single);
        CHECK_MSG(err <= kKvSplitTolerance, tag + ": error vs one core " + std::to_string(err));
        CHECK_MSG(relative_error(got, different) > kKvSplitTolerance, tag + " (negative control)");
        CHECK_MSG(r.partial_messages == 0, tag + ": partials merge where computed");
        CHECK_MSG(r.shard_messages == expected_shard_messages(plan),
                  tag + ": shard messages " + std::to_string(r.shard_messages));
        CHECK_MSG(r.shard_bytes == 2 * 384ull * 32 * 2 * (P - 1), tag + ": shard bytes");
        CHECK_MSG(r.noc.packets_delivered > r.shard_messages, tag + ": traffic crossed the NoC");
        std::printf("%-24s ring %9.0f ns, %llu packets, %llu shard messages, error %.2e\n", tag.c_str(),
                    r.makespan.to_seconds() * 1e9, static_cast<unsigned long long>(r.noc.packets_delivered),
                    static_cast<unsigned long long>(r.shard_messages), err);
      }
      {  // one core: one shard, bit for bit
        mesh->memory(1).clear_store();
        const CoreJob job = place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshRunResult r = run_plan(*mesh, plan_layer(job, Orchestration::ring, *mesh, 1));
        CHECK_MSG(same_bits(read_mesh_output(*mesh, job), single), tag + " one core");
        CHECK_MSG(r.shard_messages == 0, tag + " one core: nothing to pass on");
      }
      {  // spread placement: 2 phases (K/V groups) in two controllers
        for (std::uint32_t m = 0; m < mesh->controllers(); ++m) mesh->memory(m).clear_store();
        const std::vector<CoreJob> groups = place_qkv_spread(*mesh, qkv4, algo);
        const MeshPlan plan = plan_layer(groups, Orchestration::ring, *mesh);
        const MeshRunResult r = run_plan(*mesh, plan);
        const MatF got = read_spread_output(*mesh, groups);
        CHECK_MSG(plan.ring.phases == 2, tag + " spread: phases");
        CHECK_MSG(same_bits(got, run_layer_key_shards(qkv4, algo, even_bounds(6, P))), tag + " spread: sharded model");
        const double err = relative_error(got, run_layer(qkv4, algo).out);
        CHECK_MSG(err <= kKvSplitTolerance, tag + " spread: error vs one core " + std::to_string(err));
        CHECK_MSG(r.shard_messages == expected_shard_messages(plan), tag + " spread: shard messages");
        CHECK_MSG(r.controller_bytes_read[0] > 0 && r.controller_bytes_read[1] > 0, tag + " spread: both controllers");
        std::printf("%-24s spread %9.0f ns, error %.2e\n", tag.c_str(), r.makespan.to_seconds() * 1e9, err);
      }
    }
  }
  // Performance mode, 4x4: 8 heads x 2048 queries, d = 64, 16 key tiles of 128 (one shard per
  // core). Completes, every core runs P steps per head, each shard is read from DRAM once per
  // phase and passed on 15 times, and the layer is faster than on one core (loose bound: each
  // step is one query block against one tile here, so pipeline fill and the steps' hand-overs
  // weigh heavily).
  {
    CoreJob job;
    job.seq_len = job.n_queries = 2048;
    job.heads = job.kv_heads = 8;
    job.head_dim = 64;
    job.algo.sads.keep = 0.2;
    job.algo.tile_keys = 128;
    const std::vector<CoreJob> groups = spread_layer(job, mesh44);
    // One core streaming K/V per query block (query_split on one core) is the reference.
    const MeshRunResult one = run_plan(mesh44, plan_layer(groups, Orchestration::query_split, mesh44, 1));
    const MeshPlan plan = plan_layer(groups, Orchestration::ring, mesh44);
    const MeshRunResult ring = run_plan(mesh44, plan);
    const double speedup = one.makespan / ring.makespan;
    std::printf("4x4 ring: %.1f us, one core %.1f us, speedup %.2fx, %llu shard messages\n",
                ring.makespan.to_seconds() * 1e6, one.makespan.to_seconds() * 1e6, speedup,
                static_cast<unsigned long long>(ring.shard_messages));
    CHECK_MSG(speedup > 1.5, std::to_string(speedup));
    CHECK(plan.ring.phases == 8 && plan.ring.members.size() == 16);
    CHECK(ring.shard_messages == 8ull * 16 * 15 * 2);  // 2 x 16 KiB per shard (K and V of 128 keys)
    CHECK(ring.shard_bytes == 8ull * 16 * 15 * 2 * 128 * 64 * 2);
    for (std::uint32_t n : ring.core_jobs) CHECK(n == 8 * 16);  // every head, every step
    CHECK(ring.ops.macs == one.ops.macs);
    std::uint64_t dram = 0;
    for (std::uint64_t b : ring.controller_bytes_read) dram += b;
    std::uint64_t dram_one = 0;
    for (std::uint64_t b : one.controller_bytes_read) dram_one += b;
    CHECK_MSG(dram < dram_one, "K/V read once per phase: " + std::to_string(dram) + " vs " + std::to_string(dram_one));
  }
  return finish();
}
