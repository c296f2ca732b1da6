// Wall time of simulating one attention-only layer in performance mode on a W x H Spatial-STAR
// mesh (one elaboration per process), with the run's summary. --one-core adds the same layer on
// core 0 alone (speedup over one core); --orchestration all runs every implemented one.
#include <systemc>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "mesh/mesh_placement.h"
#include "mesh/mesh_report.h"
#include "mesh/orchestration.h"

using namespace star;

int sc_main(int argc, char* argv[]) {
  CLI::App app{"bench-mesh: Spatial-STAR simulation speed"};
  std::string mesh_size = "4x4", fidelity = "packet", orchestration = "query_split";
  std::uint32_t seq = 32768, heads = 32, kv_heads = 0, head_dim = 128, tile_keys = 512;
  double keep = 0.2;
  bool one_core = false;
  app.add_option("--mesh", mesh_size, "W x H cores, e.g. 8x8");
  app.add_option("--seq", seq, "sequence length S (queries = S)");
  app.add_option("--heads", heads, "query heads");
  app.add_option("--kv-heads", kv_heads, "K/V heads (0: = heads)");
  app.add_option("--head-dim", head_dim, "d");
  app.add_option("--keep", keep, "SADS keep ratio");
  app.add_option("--tile-keys", tile_keys, "B_c, keys per tile (the token buffer limits it)");
  app.add_option("--fidelity", fidelity, "NoC fidelity: flit | packet");
  app.add_option("--orchestration", orchestration, "baseline | query_split | query_split_multicast | all");
  app.add_flag("--one-core", one_core, "also run the layer on one core");
  CLI11_PARSE(app, argc, argv);

  try {
    MeshConfig cfg;
    const auto x = mesh_size.find('x');
    if (x == std::string::npos) throw std::invalid_argument("--mesh must be WxH, got '" + mesh_size + "'");
    cfg.width = static_cast<std::uint32_t>(std::stoul(mesh_size.substr(0, x)));
    cfg.height = static_cast<std::uint32_t>(std::stoul(mesh_size.substr(x + 1)));
    cfg.memory.mode = DataMode::performance;
    cfg.memory.capacity_bytes = std::uint64_t{64} << 30;
    cfg.noc.fidelity = parse_noc_fidelity(fidelity);
    const auto t_elab = std::chrono::steady_clock::now();
    SpatialStar mesh("mesh", cfg);

    CoreJob job;
    job.seq_len = job.n_queries = seq;
    job.heads = heads;
    job.kv_heads = kv_heads ? kv_heads : heads;
    job.head_dim = head_dim;
    job.algo.sads.keep = keep;
    job.algo.tile_keys = tile_keys;
    const std::vector<CoreJob> groups = spread_layer(job, mesh, std::uint64_t{1} << 30);
    std::printf("mesh %ux%u (%u controllers), S = %u, %u heads (%u K/V), d = %u, keep %.2f, %s NoC\n",
                cfg.width, cfg.height, mesh.controllers(), seq, heads, job.kv_heads, head_dim, keep,
                fidelity.c_str());
    std::printf("elaboration %.2f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t_elab).count());

    std::vector<std::pair<std::string, MeshPlan>> plans;
    for (Orchestration o : {Orchestration::baseline, Orchestration::query_split, Orchestration::query_split_multicast})
      if (orchestration == "all" || parse_orchestration(orchestration) == o)
        plans.emplace_back(to_string(o), plan_layer(groups, o, mesh));
    if (one_core) plans.emplace_back("one core", plan_layer(groups, Orchestration::query_split, mesh, 1));
    double first = 0;
    for (const auto& [name, plan] : plans) {
      const auto t0 = std::chrono::steady_clock::now();
      const MeshRunResult r = run_plan(mesh, plan);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const MeshSummary s = summarise(mesh, job, r);
      if (first == 0) first = s.makespan_s;
      std::printf("%s: wall %.2f s (simulated %.3f ms, %.2fx of the first run's time)\n%s", name.c_str(),
                  wall, s.makespan_s * 1e3, s.makespan_s / first, to_text(s).c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-mesh: %s\n", e.what());
    return 1;
  }
  return 0;
}
