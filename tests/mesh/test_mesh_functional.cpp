// Functional mode on 2x2 and 3x2 meshes: for every orchestration, with and without causal masking,
// the multi-core output read back from DRAM equals the single-core algorithm model's bit for bit
// (each core computes whole query rows in the single-core order). GQA: 2 query heads share 1 K/V
// head, 384 queries = 3 blocks of 128 per head, so the 2x2 split cuts through blocks of a head and
// the 3x2 split gives every core one block. The 2x2 mesh runs again with the flit-level NoC.
#include <cstring>

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

MeshConfig mesh_config(std::uint32_t w, std::uint32_t h, NocFidelity fidelity = NocFidelity::Packet) {
  MeshConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.memory.capacity_bytes = std::uint64_t{4} << 30;
  cfg.noc.fidelity = fidelity;
  return cfg;
}

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh22("mesh22", mesh_config(2, 2));
  SpatialStar mesh32("mesh32", mesh_config(3, 2));
  SpatialStar mesh22_flit("mesh22_flit", mesh_config(2, 2, NocFidelity::Flit));
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // finish elaboration: sockets are bound

  const QkvInputs in = generate_qkv(RowType::mixed, 2 * 384, 384, 32, 5);
  MatF q(384, 64);
  for (std::size_t i = 0; i < 384; ++i)
    for (std::size_t c = 0; c < 32; ++c) q(i, c) = in.q(i, c), q(i, 32 + c) = in.q(384 + i, c);
  const QuantizedQkv qkv = quantize_qkv(q, in.k, in.v, 2, 1, 32);
  // GQA with 2 K/V groups of 2 query heads (d = 32, 256 queries).
  const QkvInputs in4 = generate_qkv(RowType::spread, 256, 256, 32, 11);
  MatF q4(256, 128), k4(256, 64), v4(256, 64);
  for (std::size_t i = 0; i < 256; ++i)
    for (std::size_t c = 0; c < 32; ++c) {
      for (std::size_t h = 0; h < 4; ++h) q4(i, h * 32 + c) = in4.q(i, c) * (1 + 0.25f * h);
      k4(i, c) = in4.k(i, c), k4(i, 32 + c) = in4.k(255 - i, c);
      v4(i, c) = in4.v(i, c), v4(i, 32 + c) = -in4.v(i, c);
    }
  const QuantizedQkv qkv4 = quantize_qkv(q4, k4, v4, 4, 2, 32);

  for (SpatialStar* mesh : {&mesh22, &mesh32, &mesh22_flit}) {
    for (bool causal : {false, true}) {
      StarAlgoConfig algo;
      algo.sads.keep = 0.25;
      algo.subsegments = 3;
      algo.block_queries = 128;
      algo.causal = causal;
      const MatF want = run_layer(qkv, algo).out;
      StarAlgoConfig other = algo;  // negative control: the comparison tells outputs apart
      other.sads.keep = 0.5;
      const MatF different = run_layer(qkv, other).out;
      for (Orchestration o : {Orchestration::baseline, Orchestration::query_split}) {
        mesh->memory(1).clear_store();  // no output left from an earlier run
        const CoreJob job = place_qkv_on_mesh(*mesh, qkv, algo, 1);
        const MeshPlan plan = plan_layer(job, o, *mesh);
        const MeshRunResult r = run_plan(*mesh, plan);
        const MatF got = read_mesh_output(*mesh, job);
        const std::string what = std::string(mesh->name()) + " " + to_string(o) + (causal ? " causal" : "");
        CHECK_MSG(same_bits(got, want), what);
        CHECK_MSG(!same_bits(got, different), what + " (negative control)");
        CHECK_MSG(r.makespan > sc_core::SC_ZERO_TIME, what);
        CHECK_MSG(r.noc.packets_delivered > 0, what + ": traffic crossed the NoC");
        CHECK_MSG(r.controller_bytes_read[1] > 0, what + ": K/V read from controller 1");
        std::uint32_t used = 0;
        for (std::uint32_t n : r.core_jobs) used += n > 0;
        const std::uint32_t expect_used = o == Orchestration::baseline ? 2 : mesh->cores();
        CHECK_MSG(used == expect_used, what + ": cores used " + std::to_string(used));
        std::printf("%-36s %10.0f ns, %llu packets\n", what.c_str(), r.makespan.to_seconds() * 1e9,
                    static_cast<unsigned long long>(r.noc.packets_delivered));
      }
      // Spread placement: 2 K/V groups in different controllers (4 query heads).
      for (Orchestration o : {Orchestration::baseline, Orchestration::query_split}) {
        for (std::uint32_t m = 0; m < mesh->controllers(); ++m) mesh->memory(m).clear_store();
        const std::vector<CoreJob> groups = place_qkv_spread(*mesh, qkv4, algo);
        const MeshRunResult r = run_plan(*mesh, plan_layer(groups, o, *mesh));
        const std::string what = std::string(mesh->name()) + " spread " + to_string(o) + (causal ? " causal" : "");
        CHECK_MSG(same_bits(read_spread_output(*mesh, groups), run_layer(qkv4, algo).out), what);
        CHECK_MSG(r.controller_bytes_read[0] > 0 && r.controller_bytes_read[1] > 0, what + ": both controllers");
        std::printf("%-36s %10.0f ns, %llu packets\n", what.c_str(), r.makespan.to_seconds() * 1e9,
                    static_cast<unsigned long long>(r.noc.packets_delivered));
      }
    }
  }
  return finish();
}
