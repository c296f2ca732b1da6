// Full-layer jobs on the mesh (X and the weights in DRAM, Q and the selected K/V rows generated on
// demand by each core), functional mode on 2x2 and 3x2 meshes, with and without causal masking,
// for baseline, query_split and query_split_multicast: the output read back from DRAM equals the
// single-core model's (run_layer) bit for bit; a negative control differs. Under
// query_split_multicast the X tiles the cores predict K_hat from and generate K/V from leave DRAM
// once per stripe: the same jobs without the hub read exactly the hub's delivered bytes more than
// its DRAM rounds, and nothing is left undelivered.
#include "../platform/platform_test_support.h"
#include "mesh_test_support.h"
#include "mesh/mesh_placement.h"
#include "mesh/orchestration.h"
#include "reference/generators.h"

using namespace star;
using namespace star::test;

int sc_main(int, char*[]) {
  install_strict_reporting();
  SpatialStar mesh22("mesh22", mesh_config(2, 2));
  SpatialStar mesh32("mesh32", mesh_config(3, 2));
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // finish elaboration: sockets are bound

  // 384 tokens (3 query blocks), d_model 96, 4 query heads on 2 K/V heads, d = 32.
  const LayerInputs li = generate_layer(RowType::spread, 384, 96, 4, 2, 32, 9);
  const QuantizedLayer layer = quantize_layer(li.x, li.w_q, li.w_k, li.w_v, 4, 2, 32);

  for (SpatialStar* mesh : {&mesh22, &mesh32}) {
    for (bool causal : {false, true}) {
      StarAlgoConfig algo;
      algo.sads.keep = 0.2;
      algo.subsegments = 3;
      algo.causal = causal;
      const LayerShifts shifts = calibrate_layer_shifts(layer, algo.predictor);
      const MatF want = run_layer(layer, algo, shifts).out;
      const MatF different = run_layer(layer, negative_control(algo), shifts).out;
      for (Orchestration o : {Orchestration::baseline, Orchestration::query_split,
                              Orchestration::query_split_multicast}) {
        const std::string what = std::string(mesh->name()) + " full layer " + to_string(o) + (causal ? " causal" : "");
        auto place = [&] {
          clear_stores(*mesh);
          return place_layer_on_mesh(*mesh, layer, algo, shifts, 1);
        };
        const CoreJob job = place();
        const MeshPlan plan = plan_layer(job, o, *mesh);
        const MeshRunResult r = run_plan(*mesh, plan);
        const MatF got = read_mesh_output(*mesh, job);
        CHECK_MSG(same_bits(got, want), what + ": equals the single-core model");
        CHECK_MSG(!same_bits(got, different), what + " (negative control)");
        CHECK_MSG(r.noc.packets_delivered > 0 && r.controller_bytes_read[1] > 0, what + ": X and weights read over the NoC");
        const std::uint32_t used = cores_used(r);
        CHECK_MSG(used == (o == Orchestration::baseline ? 4 : mesh->cores()), what + ": cores used " + std::to_string(used));
        std::printf("%-44s %10.0f ns, DRAM read %llu B", what.c_str(), r.makespan.to_seconds() * 1e9,
                    static_cast<unsigned long long>(total(r.controller_bytes_read)));
        if (o != Orchestration::query_split_multicast) {
          std::printf("\n");
          continue;
        }
        CHECK_MSG(r.multicast.rounds > 0 && r.multicast.errors == 0 && r.multicast.stranded == 0,
                  what + ": X tiles multicast, every copy read");
        // The same jobs, every core reading its X tiles itself.
        place();
        const MeshRunResult u = run_plan(*mesh, without_multicast(plan));
        CHECK_MSG(same_bits(read_mesh_output(*mesh, job), want), what + ": unicast run of the same jobs");
        CHECK_MSG(total(u.controller_bytes_read) - total(r.controller_bytes_read) ==
                      r.multicast.delivered_bytes - r.multicast.dram_bytes,
                  what + ": the hub's copies replace the members' own X reads, nothing else changes");
        CHECK_MSG(r.multicast.delivered_bytes > r.multicast.dram_bytes, what + ": X bytes drop");
        std::printf(", X tiles: %llu B from DRAM for %llu B delivered (%.2fx); same jobs unicast %llu B\n",
                    static_cast<unsigned long long>(r.multicast.dram_bytes),
                    static_cast<unsigned long long>(r.multicast.delivered_bytes),
                    double(r.multicast.delivered_bytes) / double(r.multicast.dram_bytes),
                    static_cast<unsigned long long>(total(u.controller_bytes_read)));
      }
    }
  }
  return finish();
}
