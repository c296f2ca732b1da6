// Scenario library without a simulation: units, the schema's defaults, loading with locations,
// resolution (presets, auto tiling, consistency), the resolved file's round trip, overrides,
// sweep expansion, CSV aggregation and atomic outputs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "scenario/atomic_output.h"
#include "scenario/resolved_scenario.h"
#include "scenario/results_csv.h"
#include "scenario/sweep.h"

using namespace star;

namespace {

ResolvedScenario resolve_text(const std::string& yaml) {
  return resolve(load_scenario_text(yaml, "test.yaml"));
}

std::string first_issue(const std::string& yaml) {
  try {
    resolve_text(yaml);
  } catch (const ScenarioError& e) {
    return e.issues().front().text();
  }
  return "";
}

}  // namespace

TEST_CASE("quantities parse with their units and print back exactly") {
  CHECK(parse_quantity("1 GHz", Dimension::frequency) == 1e9);
  CHECK(parse_quantity("512 KiB", Dimension::bytes) == 512 * 1024);
  CHECK(parse_quantity("192KB", Dimension::bytes) == 192000);
  CHECK(parse_quantity("256 GB/s", Dimension::bandwidth) == 256e9);
  CHECK(parse_quantity("100 ns", Dimension::time) == 100e3);  // picoseconds
  CHECK(parse_quantity("4096", Dimension::bytes) == 4096);
  CHECK(parse_quantity("0", Dimension::time) == 0);
  CHECK_THROWS_WITH(parse_quantity("100", Dimension::time), Catch::Contains("needs its unit"));
  CHECK_THROWS_WITH(parse_quantity("3 parsecs", Dimension::bytes), Catch::Contains("unknown unit 'parsecs'"));
  CHECK_THROWS_WITH(parse_quantity("-1 GHz", Dimension::frequency), Catch::Contains("negative"));
  CHECK_THROWS(parse_quantity("GHz", Dimension::frequency));
  CHECK(format_quantity(1e9, Dimension::frequency) == "1 GHz");
  CHECK(format_quantity(192 * 1024, Dimension::bytes) == "192 KiB");
  CHECK(format_quantity(256e9, Dimension::bandwidth) == "256 GB/s");
  CHECK(format_quantity(1.5e9, Dimension::frequency) == "1500 MHz");
  for (double v : {1e9, 1.5e9, 1234567.0, 0.5, 3e-3})
    CHECK(parse_quantity(format_quantity(v, Dimension::frequency), Dimension::frequency) == v);
}

TEST_CASE("an empty scenario resolves to the documented defaults") {
  const ResolvedScenario r = resolve_text("");
  CHECK(r.values.size() == scenario_schema().size());
  CHECK(r.soc.core.clock_hz == 1e9);
  CHECK(r.soc.core.token_buffer_bytes == 192 * 1024);
  CHECK(r.soc.memory.peak_bytes_per_second() == 256e9);
  CHECK(r.soc.memory.access_latency == sc_core::sc_time(100, sc_core::SC_NS));
  CHECK(r.job.heads == 12);  // bert-base preset
  CHECK(r.job.seq_len == 512);
  CHECK(r.job.algo.sads.keep == 0.25);
  CHECK(r.job.algo.tile_keys == 128);  // auto: S / 4 fits
  CHECK(r.mode == DataMode::performance);
  CHECK(r.name == "test");
  CHECK(r.output_dir == "runs/test");
}

TEST_CASE("presets, explicit keys and the schedule map onto the job") {
  const ResolvedScenario r = resolve_text(
      "workload: {model: llama2-7b, heads: 8, kv_heads: 2}\nschedule: stage-isolated\n"
      "algorithm: {rass: false}\n");
  CHECK(r.job.heads == 8);
  CHECK(r.job.kv_heads == 2);
  CHECK(r.job.head_dim == 128);
  CHECK(r.job.seq_len == 4096);
  CHECK(r.job.algo.causal);
  CHECK(r.job.flow == Flow::stage_isolated);
  CHECK(!r.job.rass);
  // Auto tiling: (192 KiB - 128 x 128 x 2) / (128 x 2) = 640 keys at most -> n = 7, B_c = 586.
  CHECK(r.job.algo.tile_keys == 586);
  CHECK(resolve_text("schedule: dense").job.algo.dense);
  CHECK(resolve_text("schedule: unsorted").job.algo.sufa.order == SufaOrder::unsorted);
  CHECK(resolve_text("workload: {seq_len: 1000, top_k: 100}").job.algo.sads.keep == Approx(0.1));
}

TEST_CASE("errors name file, line, column, key and the allowed values") {
  CHECK(first_issue("workload:\n  keep: 0\n") ==
        "test.yaml:2:9: error: workload.keep: 0 is out of range; allowed: a number in (0, 1]");
  CHECK(first_issue("workload: {model: llama2-7b}\ntiling: {tile_keys: 641}\n")
            .find("test.yaml:2:21: error: tiling.tile_keys: a key tile of 641 keys does not fit") == 0);
  CHECK(resolve_text("workload: {model: llama2-7b}\ntiling: {tile_keys: 640}\n").job.algo.tile_keys == 640);
  CHECK(first_issue("workload:\n  seq_len: 100\n  top_k: 101\n").find("test.yaml:3:10: error: workload.top_k: k = 101 exceeds") == 0);
  CHECK(first_issue("workload:\n  seq_len: 100\n  top_k: 100\n").empty());
  // Every problem is reported, not only the first.
  try {
    load_scenario_text("mode: fast\nworkload: {keep: 2, heads: 0}\nbogus: 1\n", "f.yaml");
    FAIL("accepted");
  } catch (const ScenarioError& e) {
    CHECK(e.issues().size() == 4);
  }
}

TEST_CASE("the resolved scenario loads back to the same resolution") {
  const std::string yaml =
      "name: rt\nworkload: {model: gpt2, top_k: 100}\nplatform:\n  memory: {peak_bandwidth: 128 GB/s}\n"
      "tiling: {subsegments: 5}\ntracing: {enabled: true, modules: [core.*], end: 3 us}\n";
  const ResolvedScenario a = resolve_text(yaml);
  CHECK(a.soc.memory.clock_hz == 1e9);  // 128 GB/s over 16 channels x 8 B
  const std::string text = resolved_yaml(a, "comment");
  const ResolvedScenario b = resolve(load_scenario_text(text, "rt.yaml"));
  CHECK(resolved_yaml(b, "comment") == text);
  CHECK(b.job.algo.tile_keys == a.job.algo.tile_keys);
  CHECK(b.job.algo.sads.keep == a.job.algo.sads.keep);
  CHECK(b.trace.module_filter == std::vector<std::string>{"core.*"});
  CHECK(b.trace.end == sc_core::sc_time(3, sc_core::SC_US));
}

TEST_CASE("overrides replace keys and are checked like the file") {
  Scenario s = load_scenario_text("workload: {keep: 0.2}\n", "o.yaml");
  apply_override(s, "workload.keep=0.5");
  apply_override(s, "tracing.modules=[core.sufa, memory]");
  const ResolvedScenario r = resolve(s);
  CHECK(r.job.algo.sads.keep == 0.5);
  CHECK(r.trace.module_filter.size() == 2);
  CHECK_THROWS_WITH(apply_override(s, "workload.kep=0.5"), Catch::Contains("did you mean workload.keep"));
  CHECK_THROWS_WITH(apply_override(s, "workload.keep"), Catch::Contains("key=value"));
  CHECK_THROWS_WITH(apply_override(s, "workload.heads=0"), Catch::Contains("-s workload.heads=0: error: workload.heads: 0 is out of range"));
}

TEST_CASE("sweeps expand the grid (last key fastest), then explicit points") {
  const Scenario s = load_scenario_text(
      "sweep:\n  grid:\n    workload.keep: [0.1, 0.2]\n    schedule: [coordinated, dense, unsorted]\n"
      "  points:\n    - {algorithm.rass: false, workload.keep: 0.3}\n",
      "s.yaml");
  const std::vector<SweepPoint> p = expand_sweep(s);
  REQUIRE(p.size() == 7);
  CHECK(p[0].label() == "workload.keep=0.1 schedule=coordinated");
  CHECK(p[1].label() == "workload.keep=0.1 schedule=dense");
  CHECK(p[3].label() == "workload.keep=0.2 schedule=coordinated");
  CHECK(p[6].label() == "algorithm.rass=false workload.keep=0.3");
  CHECK(p[6].id() == "p0006");
  CHECK(expand_sweep(load_scenario_text("", "x.yaml")).size() == 1);
}

TEST_CASE("aggregated CSV lines columns up by name") {
  const CsvRow a = parse_one_row_csv("x,y\n1,\"a,b\"\n");
  CHECK(a.values[1] == "a,b");
  const CsvRow b = parse_one_row_csv("y,z\n2,3\n");
  const std::string out = aggregate_csv({{{{"point", "p0"}}, a}, {{{"point", "p1"}}, b}});
  CHECK(out == "point,x,y,z\np0,1,\"a,b\",\np1,,2,3\n");
}

TEST_CASE("a staged folder appears whole on commit and not at all otherwise") {
  namespace fs = std::filesystem;
  const std::string base = fs::temp_directory_path() / ("star_scenario_test_" + std::to_string(::getpid()));
  fs::remove_all(base);
  {
    StagingDirectory d(base + "/run");
    write_file_atomic(d.path() + "/a.txt", "one");
    CHECK(!fs::exists(base + "/run"));
  }
  CHECK(!fs::exists(base + "/run"));
  CHECK(fs::is_empty(base));
  {
    StagingDirectory d(base + "/run");
    write_file_atomic(d.path() + "/a.txt", "two");
    d.commit();
  }
  std::ifstream in(base + "/run/a.txt");
  std::string text;
  in >> text;
  CHECK(text == "two");
  fs::create_directories(base + "/x.partial-123");
  CHECK(remove_partial_outputs(base) == 1);
  CHECK(fs::exists(base + "/run"));
  fs::remove_all(base);
}

// libsystemc refers to sc_main; this binary never enters the kernel.
int sc_main(int, char*[]) { return 0; }

TEST_CASE("a mesh section resolves into the mesh, its controllers and orchestrations") {
  const std::string base = "workload: {model: custom, kind: attention_only, seq_len: 512}\n";
  const ResolvedScenario r = resolve_text(base +
      "mesh: {width: 3, height: 2, controllers: [west:1, east:0], noc: {fidelity: flit, vcs: 6, body_flit_bypass: false}, "
      "orchestration: [query_split, baseline], compare: [one_core]}\n");
  CHECK(r.mesh);
  CHECK(r.mesh_config.width == 3);
  CHECK(r.mesh_config.height == 2);
  REQUIRE(r.mesh_config.controllers.size() == 2);
  CHECK(r.mesh_config.controllers[0].edge == MeshEdge::west);
  CHECK(r.mesh_config.controllers[0].row == 1);
  CHECK(r.mesh_config.noc.fidelity == NocFidelity::Flit);
  CHECK(r.mesh_config.noc.num_vcs == 6);
  CHECK_FALSE(r.mesh_config.noc.body_flit_bypass);
  CHECK(resolve_text(base + "mesh: {width: 2}\n").mesh_config.noc.body_flit_bypass);  // the default
  CHECK(r.orchestrations == std::vector<std::string>{"query_split", "baseline"});
  CHECK(r.compare_one_core);
  CHECK_FALSE(r.compare_baseline);
  CHECK(r.mesh_region_bytes == std::uint64_t{1} << 20);
  CHECK(resolve_text(base + "mesh: {height: 3, controllers: corners}\n").mesh_config.controllers.size() == 4);
  CHECK(resolve_text(base + "mesh: {height: 3, controllers: west}\n").mesh_config.controllers.size() == 3);
  CHECK(resolve_text(base + "mesh: {}\n").mesh_config.placements().size() == 8);  // 4 x 4, west_east
  // No mesh key: a single-core run, and the resolved file says so.
  const ResolvedScenario single = resolve_text(base);
  CHECK_FALSE(single.mesh);
  CHECK(resolved_yaml(single, "").find("enabled: false") != std::string::npos);
  // The resolved mesh scenario loads back to the same resolution.
  const std::string text = resolved_yaml(r, "");
  CHECK(resolved_yaml(resolve(load_scenario_text(text, "rt.yaml")), "") == text);
}

TEST_CASE("mesh keys are checked with the key in every message") {
  const std::string base = "workload: {model: custom, kind: attention_only, seq_len: 512}\n";
  CHECK(first_issue(base + "mesh: {width: 0}\n") ==
        "test.yaml:2:15: error: mesh.width: 0 is out of range; allowed: an integer in [1, 16]");
  CHECK(first_issue(base + "mesh: {width: 17}\n").find("mesh.width: 17 is out of range") != std::string::npos);
  CHECK(first_issue(base + "mesh: {orchestration: [query_split, sideways]}\n")
            .find("error: mesh.orchestration: unknown orchestration 'sideways'") != std::string::npos);
  CHECK(first_issue(base + "mesh: {height: 2, controllers: [west:0, east:2]}\n")
            .find("error: mesh.controllers: 'east:2': row '2' is outside the mesh; allowed rows: 0 to 1") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {controllers: [north:0]}\n").find("mesh.controllers: 'north:0' is not allowed") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {controllers: [west:1, west:1]}\n").find("'west:1' is given twice") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {compare: [two_cores]}\n").find("mesh.compare: 'two_cores' is not allowed") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {noc: {vcs: 5}}\n").find("mesh.noc.vcs: 5 virtual channels") != std::string::npos);
  // The NoC's own limits, reported at the scenario's key (not at mesh: with the model's names).
  CHECK(first_issue(base + "mesh: {noc: {vcs: 32}}\n").find("mesh.noc.vcs: 32 is out of range; allowed: an integer in [2, 16]") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {noc: {buffer_flits: 512}}\n")
            .find("mesh.noc.buffer_flits: 512 is out of range; allowed: an integer in [1, 256]") != std::string::npos);
  CHECK(first_issue(base + "mesh: {noc: {link_bits: 12}}\n")
            .find("mesh.noc.link_bits: 12 bits is not a whole number of bytes; allowed: a multiple of 8") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {noc: {fidelity: cycle}}\n").find("mesh.noc.fidelity: 'cycle' is not allowed") !=
        std::string::npos);
  // A torus: dimension-order routing and two VCs per class for its dateline.
  CHECK(first_issue(base + "mesh: {noc: {topology: ring}}\n").find("mesh.noc.topology: 'ring' is not allowed") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {noc: {topology: torus, vcs: 2}}\n")
            .find("mesh.noc.vcs: 2 virtual channels give one per class, and a torus's dateline needs two per class") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {noc: {topology: torus, routing: west_first}}\n")
            .find("mesh.noc.routing: west_first is deadlock-free on a mesh only") != std::string::npos);
  const ResolvedScenario torus = resolve_text("mesh: {width: 2, noc: {topology: torus, routing: yx}}\n");
  REQUIRE(torus.mesh);
  CHECK(torus.mesh_config.noc.topology == NocTopology::Torus);
  CHECK(torus.mesh_config.noc_config().mesh().torus);
  // A full layer (the default kind) runs on the mesh with the orchestrations that split it by queries.
  const ResolvedScenario full = resolve_text("mesh: {width: 2, orchestration: [baseline, query_split_multicast]}\n");
  CHECK(full.mesh);
  CHECK(full.job.kind == JobKind::full_layer);
  CHECK(first_issue("mesh: {width: 2, orchestration: [query_split, kv_split]}\n") ==
        "test.yaml:1:33: error: mesh.orchestration: 'kv_split' splits attention-only layers only (workload.kind is full_layer); "
        "allowed with full_layer: baseline, query_split, query_split_multicast");
  CHECK(first_issue("workload: {model: custom, seq_len: 65536, d_model: 4096, heads: 32, head_dim: 128}\n"
                    "mesh: {width: 2}\nplatform: {memory: {capacity: 1 GiB}}\n")
            .find("platform.memory.capacity: the first memory controller needs") != std::string::npos);
  CHECK(first_issue(base + "mesh: {widht: 2}\n").find("error: mesh.widht: unknown key; allowed keys in mesh:") !=
        std::string::npos);
  CHECK(first_issue(base + "mesh: {widht: 2}\n").find("did you mean mesh.width?") != std::string::npos);
  CHECK(first_issue("workload: {model: custom, kind: attention_only, seq_len: 1048576, heads: 32, head_dim: 128}\n"
                    "mesh: {controllers: [west:0]}\nplatform: {memory: {capacity: 1 GiB}}\n")
            .find("platform.memory.capacity: each memory controller needs") != std::string::npos);
  // Sweeps over mesh keys are checked per point.
  CHECK_THROWS_WITH(expand_sweep(load_scenario_text(base + "sweep: {grid: {mesh.height: [1, 2]}}\n"
                                                    "mesh: {controllers: [west:1]}\n", "s.yaml")),
                    Catch::Contains("row '1' is outside the mesh") && Catch::Contains("sweep point p0000"));
}

// Each core's scratch slot takes k_hat and the K/V cache of its head (3 x S x d x 2 B) and the
// SU-FA state of its query rows (rows x (d + 2) x 4 B): S = 512K, d = 128, 8 heads on 16 cores
// (query_split: 262144 rows each) give 402653184 + 136314880 = 538968064 B (a multiple of 4 KiB),
// and the 16 slots fill the upper half of a controller of 2 x 16 x 538968064 B = 16448 MiB.
TEST_CASE("a mesh layer whose per-core scratch does not fit its controllers is refused before running") {
  const std::string layer =
      "workload: {model: custom, kind: attention_only, seq_len: 524288, heads: 8, kv_heads: 8, head_dim: 128}\n"
      "mode: performance\n";
  const std::string mesh = "mesh: {width: 4, height: 4}\n";
  CHECK_NOTHROW(resolve_text(layer + mesh + "platform: {memory: {capacity: 16448 MiB}}\n"));
  const std::string issue = first_issue(layer + mesh + "platform: {memory: {capacity: 16447 MiB}}\n");
  CHECK(issue.find("error: platform.memory.capacity: planning query_split") != std::string::npos);
  CHECK(issue.find("16 slots of 538968064 bytes") != std::string::npos);
  CHECK(issue.find("needs a capacity of at least 17246978048 bytes") != std::string::npos);
  // The references of mesh.compare are planned too (one_core: all 16 cores' rows in one slot).
  CHECK(first_issue(layer + "platform: {memory: {capacity: 16448 MiB}}\nmesh: {width: 4, height: 4, compare: [one_core]}\n")
            .find("planning one_core") != std::string::npos);
  // In a sweep every point is planned before any runs, and the error names the point.
  CHECK_THROWS_WITH(expand_sweep(load_scenario_text(layer + mesh + "platform: {memory: {capacity: 16 GiB}}\n"
                                                    "sweep: {grid: {workload.seq_len: [8192, 524288]}}\n",
                                                    "s.yaml")),
                    Catch::Contains("planning query_split") && Catch::Contains("sweep point p0001") &&
                        !Catch::Contains("p0000"));
}

TEST_CASE("workload.batch_tiles reaches the performance workload and is refused where it cannot apply") {
  CHECK(resolve_text("workload: {kind: attention_only, batch_tiles: 8}\n").perf.batch_tiles == 8);
  CHECK(first_issue("mode: functional\nworkload: {kind: attention_only, batch_tiles: 8}\n")
            .find("error: workload.batch_tiles:") != std::string::npos);
}

namespace {

// The rule stated independently: macro cells = heads x sum over query blocks of ceil(visited
// tiles / k); the smallest k within the target (else one cell per block).
std::uint64_t macro_cells(const CoreJob& j, std::uint32_t k) {
  const TilingConfig t = j.tiling_config(CoreConfig{});
  std::uint64_t n = 0;
  for (std::uint32_t b = 0; b < t.n_blocks(); ++b) {
    std::uint32_t visited = 0;
    for (std::uint32_t tile = 0; tile < t.n_tiles(); ++tile) visited += t.visits(b, tile) ? 1 : 0;
    n += (visited + k - 1) / k;
  }
  return n * j.heads;
}
std::uint32_t smallest_k(const CoreJob& j, std::uint64_t target) {
  std::uint32_t k = 1;
  while (k < j.tiling().n_tiles() && macro_cells(j, k) > target) ++k;
  return k;
}

}  // namespace

TEST_CASE("workload.batch_tiles: auto picks the smallest k within workload.target_cells") {
  const std::string base = "workload: {model: custom, kind: attention_only, heads: 8, head_dim: 128, keep: 0.2, ";
  for (const char* shape : {"seq_len: 65536", "seq_len: 65536, causal: true", "seq_len: 20000, queries: 5000",
                            "seq_len: 131072"})
    for (const char* target : {"", ", target_cells: 1000", ", target_cells: 30000"}) {
      const ResolvedScenario r =
          resolve_text(base + shape + ", batch_tiles: auto" + target + "}\ntiling: {tile_keys: 512}\n");
      INFO(shape << target);
      CHECK(r.batch_auto);
      CHECK(r.target_cells == (*target ? std::stoull(std::string(target).substr(16)) : 200000u));
      CHECK(r.perf.batch_tiles == smallest_k(r.job, r.target_cells));
      CHECK(r.perf.batch_tiles == auto_batch_tiles(r.job, r.target_cells));
      CHECK(r.values.at("workload.batch_tiles").is_auto);  // the resolved file keeps "auto"
    }
  // 8 heads x 512 blocks x 128 tiles: k = 11 gives 8 x 512 x 12 = 49 152 <= 50 000 (k = 10: 53 248).
  CHECK(resolve_text(base + "seq_len: 65536, batch_tiles: auto, target_cells: 50000}\ntiling: {tile_keys: 512}\n")
            .perf.batch_tiles == 11);
  // Where batching cannot apply, auto is 1 (functional mode, full layers).
  CHECK(resolve_text("mode: functional\n" + base + "seq_len: 4096, batch_tiles: auto, target_cells: 10}\n")
            .perf.batch_tiles == 1);
  CHECK(resolve_text("workload: {model: custom, seq_len: 4096, batch_tiles: auto, target_cells: 10}\n")
            .perf.batch_tiles == 1);

  // On a mesh, query_split_multicast's one-block jobs keep min_job_cells cells (k <= tiles / min_job_cells).
  const std::string mesh = "tiling: {tile_keys: 512}\nmesh: {width: 2, height: 2, orchestration: [query_split, query_split_multicast]}\n";
  const ResolvedScenario m = resolve_text(base + "seq_len: 131072, batch_tiles: auto}\n" + mesh);
  CHECK(m.mesh_batch_tiles(Orchestration::query_split) == m.perf.batch_tiles);
  CHECK(m.perf.batch_tiles == 11);  // 8 x 1024 x ceil(256 / 11) = 196 608 <= 200 000 < 8 x 1024 x ceil(256 / 10)
  CHECK(m.mesh_batch_tiles(Orchestration::query_split_multicast) == 11);  // within 256 tiles / 8
  CHECK(resolve_text(base + "seq_len: 131072, batch_tiles: auto, min_job_cells: 64}\n" + mesh)
            .mesh_batch_tiles(Orchestration::query_split_multicast) == 4);  // 256 tiles / 64
  const ResolvedScenario given = resolve_text(base + "seq_len: 131072, batch_tiles: 64}\n" + mesh);
  CHECK(given.mesh_batch_tiles(Orchestration::query_split_multicast) == 64);  // a given k is taken as given
}

TEST_CASE("batching keys reject bad values naming the key") {
  const std::string base = "workload: {model: custom, kind: attention_only, seq_len: 4096, ";
  CHECK_THAT(first_issue(base + "batch_tiles: fast}\n"),
             Catch::Contains("error: workload.batch_tiles: 'fast' is not a number; allowed: an integer in [1, 4096], or auto"));
  CHECK_THAT(first_issue(base + "batch_tiles: 0}\n"), Catch::Contains("error: workload.batch_tiles: 0 is out of range"));
  CHECK_THAT(first_issue(base + "batch_tiles: auto, target_cells: 0}\n"),
             Catch::Contains("error: workload.target_cells: 0 is out of range"));
  CHECK_THAT(first_issue(base + "batch_tiles: auto, target_cells: many}\n"),
             Catch::Contains("error: workload.target_cells: 'many' is not a number"));
  CHECK(first_issue(base + "batch_tiles: auto, target_cells: 1000}\n").empty());
}

TEST_CASE("mesh.ring_buffer_bytes reaches the mesh and must hold a ring's key tiles") {
  const std::string base =
      "workload: {model: custom, kind: attention_only, seq_len: 8192, head_dim: 128}\ntiling: {tile_keys: 512}\n";
  CHECK(resolve_text(base + "mesh: {width: 2}\n").mesh_config.ring_buffer_bytes == 512 * 1024);
  CHECK(resolve_text(base + "mesh: {width: 2, ring_buffer_bytes: 2 MiB, orchestration: [ring]}\n")
            .mesh_config.ring_buffer_bytes == 2 * 1024 * 1024);
  // One tile held and one received, K and V: 4 x 512 x 128 x 2 B = 512 KiB.
  CHECK(first_issue(base + "mesh: {width: 2, ring_buffer_bytes: 256 KiB, orchestration: [query_split, ring]}\n") ==
        "test.yaml:3:37: error: mesh.ring_buffer_bytes: ring: one key tile (512 keys x d 128 x 2 B = 131072 bytes "
        "each of K and V) held and received needs 524288 bytes; the ring buffer (mesh.ring_buffer_bytes) holds "
        "262144 bytes; allowed: at least 512 KiB with tiling.tile_keys 512 and head_dim 128");
  // Only ring uses the buffer.
  CHECK(first_issue(base + "mesh: {width: 2, ring_buffer_bytes: 256 KiB, orchestration: [query_split]}\n").empty());
  CHECK_THAT(first_issue(base + "mesh: {width: 2, ring_buffer_bytes: 0 B}\n"),
             Catch::Contains("error: mesh.ring_buffer_bytes: 0 B is out of range"));
  CHECK_THAT(first_issue(base + "mesh: {width: 2, ring_buffer_bytes: 4 GiB}\n"),
             Catch::Contains("error: mesh.ring_buffer_bytes: 4 GiB is out of range"));
}
