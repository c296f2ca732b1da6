// Shared set-up of the Spatial-STAR tests (tests/mesh). Plain helpers without checks: every test
// keeps its own assertions (CHECK from ../platform/platform_test_support.h in the sc_main tests,
// HT_CHECK from ../sw/host_test_support.h in the host test), so this header includes neither.
//
// Meshes
//   mesh_config(w, h)              functional w x h mesh, 4 GiB per controller, default (flit) NoC;
//   mesh_config(w, h, fidelity)    the same with another NoC fidelity
//   mesh_config(w, h, fidelity, capacity)  ... and another capacity per controller
//   performance_mesh_config(w, h)  performance mode (no payloads), default capacity and NoC
//   clear_stores(mesh)             empties every controller's store (no output left from a run)
// Jobs and references
//   mesh_algo(causal)              keep 0.25, 3 subsegments, blocks of 128 queries (the functional
//                                  tests' algorithm), causal or not
//   negative_control(algo)         the same algorithm with keep 0.5: its output must differ, so a
//                                  comparison that passes is known to tell outputs apart
//   kKvSplitTolerance              kv_split's stated bound on relative_error vs one core (the
//                                  merge reassociates float sums; docs/mesh.md derives it)
// Run results
//   cores_used(r)                  cores that ran at least one job
//   total(bytes)                   sum over controllers (controller_bytes_read / _written)
//   without_multicast(plan)        the same per-core jobs as a query_split plan: no groups, no
//                                  stripes, every core reading its tiles itself
// From tests/support (namespace star::test): same_bits, relative_error, concat_heads,
// gqa_2on1_qkv, gqa_4on2_qkv, throws_naming.
#pragma once

#include <cstdint>
#include <vector>

#include "mesh/orchestration.h"
#include "mesh/spatial_star.h"
#include "support/expect_error.h"
#include "support/output_compare.h"
#include "support/test_inputs.h"

namespace star::test {

inline MeshConfig mesh_config(std::uint32_t w, std::uint32_t h, NocFidelity fidelity = NocConfig{}.fidelity,
                              std::uint64_t capacity = std::uint64_t{4} << 30) {
  MeshConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.memory.capacity_bytes = capacity;
  cfg.memory.mode = DataMode::functional;
  cfg.noc.fidelity = fidelity;
  return cfg;
}

inline MeshConfig performance_mesh_config(std::uint32_t w, std::uint32_t h) {
  MeshConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.memory.mode = DataMode::performance;
  return cfg;
}

inline void clear_stores(SpatialStar& mesh) {
  for (std::uint32_t m = 0; m < mesh.controllers(); ++m) mesh.memory(m).clear_store();
}

inline StarAlgoConfig mesh_algo(bool causal) {
  StarAlgoConfig algo;
  algo.sads.keep = 0.25;
  algo.subsegments = 3;
  algo.block_queries = 128;
  algo.causal = causal;
  return algo;
}

inline StarAlgoConfig negative_control(StarAlgoConfig algo) {
  algo.sads.keep = 0.5;
  return algo;
}

constexpr double kKvSplitTolerance = 1e-5;

inline std::uint32_t cores_used(const MeshRunResult& r) {
  std::uint32_t used = 0;
  for (std::uint32_t n : r.core_jobs) used += n > 0;
  return used;
}

inline std::uint64_t total(const std::vector<std::uint64_t>& bytes) {
  std::uint64_t s = 0;
  for (std::uint64_t b : bytes) s += b;
  return s;
}

inline MeshPlan without_multicast(MeshPlan plan) {
  plan.kind = Orchestration::query_split;
  plan.groups.clear();
  plan.stripes.clear();
  return plan;
}

}  // namespace star::test
