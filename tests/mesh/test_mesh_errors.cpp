// Bad mesh configurations and plans are refused with std::invalid_argument naming the problem.
#include <stdexcept>

#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  MeshConfig bad;
  bad.width = 0;
  CHECK(throws_naming([&] { bad.validate(); }, "width"));
  bad = MeshConfig{};
  bad.controllers = {{MeshEdge::east, 9}};
  CHECK(throws_naming([&] { bad.validate(); }, "row 9"));
  bad.controllers = {{MeshEdge::east, 1}, {MeshEdge::east, 1}};
  CHECK(throws_naming([&] { bad.validate(); }, "same edge position"));
  CHECK(throws_naming([] { parse_orchestration("kv-split"); }, "kv-split"));
  CHECK(parse_orchestration("kv_split") == Orchestration::kv_split);
  CHECK(parse_orchestration("query_split") == Orchestration::query_split);
  // Where the packet NoC is known to be off for an orchestration (docs/noc.md, "Mesh workloads"),
  // the run's summary says so.
  NocConfig noc = MeshConfig{}.noc_config();  // 4 VCs in 2 classes
  noc.fidelity = NocFidelity::Packet;
  CHECK(packet_noc_caveat(Orchestration::ring, noc).find("7.7-11.4 % shorter") != std::string::npos);
  CHECK(packet_noc_caveat(Orchestration::query_split, noc).empty());
  CHECK(packet_noc_caveat(Orchestration::baseline, noc).empty());
  CHECK(packet_noc_caveat(Orchestration::kv_split, noc).empty());  // 2 VCs per class: within 2 %
  noc.num_vcs = noc.num_vc_classes;
  CHECK(packet_noc_caveat(Orchestration::kv_split, noc).find("one VC per class") != std::string::npos);
  noc.fidelity = NocFidelity::Flit;
  CHECK(packet_noc_caveat(Orchestration::ring, noc).empty());
  CHECK(packet_noc_caveat(Orchestration::kv_split, noc).empty());

  SpatialStar mesh("mesh", performance_mesh_config(2, 1));
  CHECK(mesh.controllers() == 2);  // default: one per row on each edge
  CHECK(mesh.core_node(0) == 1 && mesh.core_node(1) == 2);
  CHECK(mesh.nearest_controller(0) == 0 && mesh.nearest_controller(1) == 1);
  CoreJob job;
  job.seq_len = 256;
  job.n_queries = 256;
  job.head_dim = 32;
  job.kind = JobKind::full_layer;
  CHECK(throws_naming([&] { plan_layer(job, Orchestration::kv_split, mesh); }, "attention-only"));
  CHECK(throws_naming([&] { plan_layer(job, Orchestration::ring, mesh); }, "ring splits attention-only"));
  job.kind = JobKind::attention_only;
  CHECK(throws_naming([&] { plan_layer(job, Orchestration::query_split, mesh, 3); }, "3 cores"));
  CHECK(throws_naming([&] { query_range_job(job, 0, 10, 300); }, "rows [10, 300)"));
  // The causal slice of the last queries keeps the full job's tiles and sees only earlier keys.
  job.algo.causal = true;
  job.n_queries = 128;
  const CoreJob sub = query_range_job(job, 0, 0, 64);
  CHECK(sub.seq_len == 256 - 128 + 64 && sub.n_queries == 64);
  CHECK(sub.algo.tile_keys == job.tiling().tile_keys);
  // Rows ending before one key tile see one partial tile of exactly their keys; longer slices keep
  // the full job's tiles (the last one ragged).
  job.algo.tile_keys = 192;
  const CoreJob first = query_range_job(job, 0, 0, 32);
  CHECK(first.seq_len == 160 && first.algo.tile_keys == 160 && first.tiling().n_tiles() == 1);
  CHECK(query_range_job(job, 0, 0, 128).algo.tile_keys == 192);
  // A full job whose tile is longer than its keys is still refused, causal or not.
  job.algo.tile_keys = 512;
  CHECK(throws_naming([&] { query_range_job(job, 0, 0, 64); }, "tile_keys = 512 exceeds the sequence length 256"));
  job.algo.tile_keys = 0;
  // A key shard must be a non-empty range of the job's tiles.
  CoreJob shard = sub;
  shard.tile_begin = 2;
  shard.tile_end = 2;
  CHECK(throws_naming([&] { shard.validate(CoreConfig{}, std::uint64_t{1} << 30); }, "key shard [2, 2)"));
  return finish();
}
