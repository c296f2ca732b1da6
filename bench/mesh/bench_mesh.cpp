// Wall time of simulating one attention-only layer in performance mode on a W x H Spatial-STAR
// mesh (one elaboration per process), with the run's summary. --one-core adds the same layer on
// core 0 alone (speedup over one core); --orchestration all runs every implemented one.
// --batch-tiles k issues k key tiles per macro cell (PerformanceWorkload::batch_tiles; 0 picks k
// with auto_batch_tiles (mesh/orchestration.h): at most --target-cells cells in the layer,
// query_split_multicast's one-block jobs keep at least --min-job-cells macro cells). --causal
// masks the layer causally. --scaling runs this program once per mesh size
// (1x1 .. 8x8) and once per sequence length (32K .. --max-seq) and prints wall-time tables.
#include <systemc>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "mesh/mesh_placement.h"
#include "mesh/mesh_report.h"
#include "mesh/orchestration.h"

using namespace star;

namespace {

struct Child {
  double wall = -1, simulated_ms = -1;
  std::uint64_t packets = 0;
  std::string orchestration;
};

// Runs this program with `args`; returns the last orchestration's wall time, simulated time, packets.
Child run_child(const std::string& self, const std::string& args) {
  const std::string cmd = self + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run " + cmd);
  Child c;
  std::array<char, 512> line{};
  while (fgets(line.data(), line.size(), pipe.get())) {
    char name[64];
    double wall = 0, sim = 0;
    unsigned long long packets = 0;
    if (std::sscanf(line.data(), "%63[^:]: wall %lf s (simulated %lf ms", name, &wall, &sim) == 3)
      c.wall = wall, c.simulated_ms = sim, c.orchestration = name;
    if (std::sscanf(line.data(), "  NoC %llu packets", &packets) == 1) c.packets = packets;
    if (std::string(line.data()).find("bench-mesh:") != std::string::npos)
      throw std::runtime_error("'" + cmd + "' failed: " + line.data());
  }
  return c;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  CLI::App app{"bench-mesh: Spatial-STAR simulation speed"};
  std::string mesh_size = "4x4", fidelity = "packet", orchestration = "query_split";
  std::uint32_t seq = 32768, heads = 32, kv_heads = 0, head_dim = 128, tile_keys = 512, batch = 1;
  std::uint32_t max_seq = 1u << 20;
  std::uint64_t target_cells = 200000;
  std::uint32_t min_job_cells = 8;
  double keep = 0.2;
  bool one_core = false, scaling = false, causal = false;
  app.add_option("--mesh", mesh_size, "W x H cores, e.g. 8x8");
  app.add_option("--seq", seq, "sequence length S (queries = S)");
  app.add_option("--heads", heads, "query heads");
  app.add_option("--kv-heads", kv_heads, "K/V heads (0: = heads)");
  app.add_option("--head-dim", head_dim, "d");
  app.add_option("--keep", keep, "SADS keep ratio");
  app.add_option("--tile-keys", tile_keys, "B_c, keys per tile (the token buffer limits it)");
  app.add_option("--fidelity", fidelity, "NoC fidelity: flit | packet");
  app.add_option("--orchestration", orchestration,
                 "baseline | query_split | query_split_multicast | kv_split | ring | all");
  app.add_option("--batch-tiles", batch, "key tiles per performance-mode macro cell (0: automatic)");
  app.add_option("--target-cells", target_cells, "--batch-tiles 0: most cells of the layer")
      ->check(CLI::PositiveNumber);
  app.add_option("--min-job-cells", min_job_cells,
                 "--batch-tiles 0: query_split_multicast's one-block jobs keep at least this many macro cells")
      ->check(CLI::PositiveNumber);
  app.add_flag("--causal", causal, "causal masking (decoder prefill)");
  app.add_flag("--one-core", one_core, "also run the layer on one core");
  app.add_flag("--scaling", scaling, "wall time vs mesh size and vs S (child runs of this program)");
  app.add_option("--max-seq", max_seq, "--scaling: the longest S");
  CLI11_PARSE(app, argc, argv);

  try {
    if (scaling) {
      // Each point is its own process (SystemC elaborates once per process).
      const std::string common = " --heads " + std::to_string(heads) + " --head-dim " + std::to_string(head_dim) +
                                 " --keep " + std::to_string(keep) + " --fidelity " + fidelity +
                                 " --orchestration " + orchestration + " --batch-tiles " + std::to_string(batch) +
                                 " --target-cells " + std::to_string(target_cells) +
                                 " --min-job-cells " + std::to_string(min_job_cells) + (causal ? " --causal" : "");
      std::printf("wall time vs mesh size (S = %u, %u heads, d = %u, batch %u, %s NoC%s)\n", seq, heads,
                  head_dim, batch, fidelity.c_str(), causal ? ", causal" : "");
      std::printf("| mesh | cores | NoC packets | simulated ms | wall s |\n|---|---|---|---|---|\n");
      for (const char* m : {"1x1", "2x2", "4x4", "8x8"}) {
        const Child c = run_child(argv[0], std::string("--mesh ") + m + " --seq " + std::to_string(seq) + common);
        const std::uint32_t w = std::stoul(m);
        std::printf("| %s | %u | %llu | %.2f | %.2f |\n", m, w * w, static_cast<unsigned long long>(c.packets),
                    c.simulated_ms, c.wall);
        std::fflush(stdout);
      }
      std::printf("\nwall time vs S (mesh %s)\n", mesh_size.c_str());
      std::printf("| S | NoC packets | simulated ms | wall s |\n|---|---|---|---|\n");
      for (std::uint32_t s = 32768; s <= max_seq; s *= 2) {
        const Child c = run_child(argv[0], "--mesh " + mesh_size + " --seq " + std::to_string(s) + common);
        std::printf("| %uK | %llu | %.2f | %.2f |\n", s / 1024, static_cast<unsigned long long>(c.packets),
                    c.simulated_ms, c.wall);
        std::fflush(stdout);
      }
      return 0;
    }
    MeshConfig cfg;
    const auto x = mesh_size.find('x');
    if (x == std::string::npos) throw std::invalid_argument("--mesh must be WxH, got '" + mesh_size + "'");
    cfg.width = static_cast<std::uint32_t>(std::stoul(mesh_size.substr(0, x)));
    cfg.height = static_cast<std::uint32_t>(std::stoul(mesh_size.substr(x + 1)));
    cfg.memory.mode = DataMode::performance;
    // No backing store in performance mode: the capacity only spaces the address map. At 1M tokens
    // and d = 128 a K/V head's tensor is 256 MiB (O 512 MiB) in a controller's lower half, and each
    // core's scratch slot (K_hat, K/V cache, SU-FA state regions: ~1 GiB) in the upper half.
    cfg.memory.capacity_bytes = std::uint64_t{128} << 30;
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
    job.algo.causal = causal;
    PerformanceWorkload perf;
    perf.batch_tiles = batch ? batch : auto_batch_tiles(Orchestration::query_split, job, target_cells, min_job_cells);
    const std::vector<CoreJob> groups = spread_layer(job, mesh, std::uint64_t{1} << 30);
    std::printf("mesh %ux%u (%u controllers), S = %u, %u heads (%u K/V), d = %u, keep %.2f, %s%s NoC, "
                "%u key tiles per cell\n",
                cfg.width, cfg.height, mesh.controllers(), seq, heads, job.kv_heads, head_dim, keep,
                causal ? "causal, " : "", fidelity.c_str(), perf.batch_tiles);
    std::printf("elaboration %.2f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t_elab).count());

    // Scratch right above the data (spread_layer: 4 GiB regions per group and controller).
    const std::uint64_t per_controller = (job.kv_heads + mesh.controllers() - 1) / mesh.controllers();
    const std::uint64_t scratch_at = std::max<std::uint64_t>(1, per_controller) * (std::uint64_t{4} << 30);
    // query_split_multicast's automatic k keeps min_job_cells macro cells per one-block job.
    PerformanceWorkload multicast_perf = perf;
    if (batch == 0)
      multicast_perf.batch_tiles =
          auto_batch_tiles(Orchestration::query_split_multicast, job, target_cells, min_job_cells);
    struct Run {
      std::string name;
      MeshPlan plan;
      PerformanceWorkload perf;
    };
    std::vector<Run> plans;
    for (Orchestration o : {Orchestration::baseline, Orchestration::query_split, Orchestration::query_split_multicast,
                            Orchestration::kv_split, Orchestration::ring})
      if (orchestration == "all" || parse_orchestration(orchestration) == o)
        plans.push_back({to_string(o), plan_layer(groups, o, mesh, 0, scratch_at),
                         o == Orchestration::query_split_multicast ? multicast_perf : perf});
    if (one_core) plans.push_back({"one core", plan_layer(groups, Orchestration::query_split, mesh, 1, scratch_at), perf});
    double first = 0;
    for (const auto& [name, plan, run_perf] : plans) {
      if (run_perf.batch_tiles != perf.batch_tiles)
        std::printf("%s: %u key tiles per cell (its one-block jobs keep %u or more macro cells)\n", name.c_str(),
                    run_perf.batch_tiles, min_job_cells);
      const auto t0 = std::chrono::steady_clock::now();
      const MeshRunResult r = run_plan(mesh, plan, run_perf);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const MeshSummary s = summarise(mesh, job, r);
      if (first == 0) first = s.makespan_s;
      std::uint64_t dram = 0;
      for (std::uint64_t b : s.controller_bytes) dram += b;
      std::printf("%s: wall %.2f s (simulated %.3f ms, %.2fx of the first run's time)\n  DRAM bytes %llu\n%s",
                  name.c_str(), wall, s.makespan_s * 1e3, s.makespan_s / first,
                  static_cast<unsigned long long>(dram), to_text(s).c_str());
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-mesh: %s\n", e.what());
    return 1;
  }
  return 0;
}
