// Functional mode on 2x2 and 3x2 meshes: for every orchestration, with and without causal masking,
// the multi-core output read back from DRAM equals the single-core algorithm model's bit for bit
// (each core computes whole query rows in the single-core order). GQA: 2 query heads share 1 K/V
// head, 384 queries = 3 blocks of 128 per head, so the 2x2 split cuts through blocks of a head and
// the 3x2 split gives every core one block. The 2x2 mesh runs again with the flit-level NoC, and
// the 3x2 one as a torus in both fidelities.
#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh22("mesh22", mesh_config(2, 2, NocFidelity::Packet));
  SpatialStar mesh32("mesh32", mesh_config(3, 2, NocFidelity::Packet));
  SpatialStar mesh22_flit("mesh22_flit", mesh_config(2, 2, NocFidelity::Flit));
  // On a torus (its rows and columns closed into rings), both fidelities.
  MeshConfig torus_packet = mesh_config(3, 2, NocFidelity::Packet), torus_flit = mesh_config(3, 2, NocFidelity::Flit);
  torus_packet.noc.topology = torus_flit.noc.topology = NocTopology::Torus;
  SpatialStar mesh32_torus("mesh32_torus", torus_packet);
  SpatialStar mesh32_torus_flit("mesh32_torus_flit", torus_flit);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // finish elaboration: sockets are bound

  const QuantizedQkv qkv = gqa_2on1_qkv();
  // GQA with 2 K/V groups of 2 query heads (d = 32, 256 queries).
  const QuantizedQkv qkv4 = gqa_4on2_qkv();

  for (SpatialStar* mesh : {&mesh22, &mesh32, &mesh22_flit, &mesh32_torus, &mesh32_torus_flit}) {
    for (bool causal : {false, true}) {
      const StarAlgoConfig algo = mesh_algo(causal);
      const MatF want = run_layer(qkv, algo).out;
      const MatF different = run_layer(qkv, negative_control(algo)).out;
      for (Orchestration o : {Orchestration::baseline, Orchestration::query_split}) {
        clear_stores(*mesh);  // no output left from an earlier run
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
        const std::uint32_t used = cores_used(r);
        const std::uint32_t expect_used = o == Orchestration::baseline ? 2 : mesh->cores();
        CHECK_MSG(used == expect_used, what + ": cores used " + std::to_string(used));
        std::printf("%-36s %10.0f ns, %llu packets\n", what.c_str(), r.makespan.to_seconds() * 1e9,
                    static_cast<unsigned long long>(r.noc.packets_delivered));
      }
      // Spread placement: 2 K/V groups in different controllers (4 query heads).
      for (Orchestration o : {Orchestration::baseline, Orchestration::query_split}) {
        clear_stores(*mesh);
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
