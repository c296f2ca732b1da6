#include "mesh_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

#include "functional_data.h"
#include "mesh/mesh_placement.h"
#include "mesh/mesh_report.h"
#include "mesh/orchestration.h"
#include "run_table.h"
#include "scenario/mesh_runs.h"
#include "tracing/tracer.h"

namespace star {

namespace {

// The NoC's window means in the VCD: link utilisation and buffer occupancy over windows of this
// many cycles (1 us at 1 GHz: a few of a tile's packets of a few hundred flits each, short
// against a run's phases).
constexpr std::uint64_t kNocTraceWindowCycles = 1000;

std::string check_line(const std::string& label, const nlohmann::json& a) {
  if (a.contains("skipped")) return fmt::format("{}: output check skipped ({})\n", label, a["skipped"].get<std::string>());
  return fmt::format("{}: output {} the single-core model bit for bit (max abs diff {:.3g}); rel. error vs dense {:.4g}, "
                     "top-k recall {:.4f}\n",
                     label, a["model_bit_exact"].get<bool>() ? "equals" : "DIFFERS FROM",
                     a["max_abs_vs_model"].get<double>(), a["rel_fro_vs_dense"].get<double>(),
                     a["topk_recall"].get<double>());
}

}  // namespace

RunOutputs run_mesh_scenario(const ResolvedScenario& sc, const std::string& vcd_path, const std::string& version) {
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // The tracer is created before the modules that register with it (it must outlive them).
  std::unique_ptr<Tracer> tracer;
  if (sc.trace.enabled) {
    TraceConfig tc = sc.trace;
    tc.path = vcd_path;
    tracer = std::make_unique<Tracer>("tracer", tc);
  }
  SpatialStar mesh("mesh", sc.mesh_config);
  if (tracer) {
    for (std::uint32_t i = 0; i < sc.mesh_config.cores(); ++i) mesh.core(i).trace(*tracer, mesh.core(i).name());
    for (std::uint32_t m = 0; m < mesh.controllers(); ++m) mesh.memory(m).trace(*tracer, mesh.memory(m).name());
    mesh.fabric.trace(*tracer, "mesh.noc", kNocTraceWindowCycles);
    check_trace_filter(*tracer, sc);
  }

  // An attention-only layer is spread over the controllers one K/V group per region; a full
  // layer stays whole in controller 0 (every core reads all of X; controller 0's base is global
  // address 0, so the resolved job's addresses hold). Data written in functional mode.
  const CoreJob& shape = sc.job;
  const bool full = shape.kind == JobKind::full_layer;
  const bool functional = sc.mode == DataMode::functional;
  std::unique_ptr<QuantizedQkv> qkv;
  std::unique_ptr<QuantizedLayer> layer;
  LayerShifts shifts;
  std::vector<CoreJob> groups;
  if (full && functional) {
    const LayerInputs li = generate_layer(sc.data, shape.seq_len, shape.d_model, shape.heads, shape.kv_heads,
                                          shape.head_dim, sc.seed);
    layer = std::make_unique<QuantizedLayer>(
        quantize_layer(li.x, li.w_q, li.w_k, li.w_v, shape.heads, shape.kv_heads, shape.head_dim));
    shifts = calibrate_layer_shifts(*layer, shape.algo.predictor);
    groups = {place_layer_on_mesh(mesh, *layer, shape.algo, shifts, 0, sc.region_bytes)};
  } else if (functional) {
    qkv = std::make_unique<QuantizedQkv>(generate_attention(shape, sc.data, sc.seed));
    groups = place_qkv_spread(mesh, *qkv, shape.algo, sc.mesh_region_bytes);
  } else {
    groups = mesh_layer_parts(sc, mesh);
  }
  // Every plan before the first simulation step (resolve() made them too, so they succeed).
  const std::vector<PlannedMeshRun> runs = plan_mesh_runs(sc, mesh, groups);

  nlohmann::json skip = functional ? accuracy_skipped(sc, shape) : nlohmann::json{{"skipped", "performance mode moves no data"}};
  std::unique_ptr<LayerResult> model;
  if (functional && skip.is_null())
    model = std::make_unique<LayerResult>(full ? run_layer(*layer, shape.algo, shifts) : run_layer(*qkv, shape.algo));

  std::vector<MeshRunEntry> entries;
  nlohmann::json checks = nlohmann::json::object();
  std::string check_text;
  for (const PlannedMeshRun& r : runs) {
    // Functional: the output regions are poisoned first, so each run's check sees its own output.
    if (functional)
      for (const CoreJob& g : groups) {
        const std::uint64_t cap = mesh.config().memory.capacity_bytes;
        const std::vector<std::uint8_t> poison(g.o_bytes(), 0xFF);
        mesh.memory(static_cast<std::uint32_t>(g.o_addr / cap)).load(g.o_addr % cap, poison.data(), poison.size());
      }
    const MeshRunResult res = run_plan(mesh, r.plan, r.perf);
    entries.push_back({r.label, summarise(mesh, shape, res)});
    nlohmann::json a = skip;
    if (model) {
      CoreJob layer = shape;  // shapes and algorithm of the whole layer (addresses unused)
      a = output_accuracy(sc, layer, *model, read_spread_output(mesh, groups));
    }
    checks[r.label] = a;
    check_text += check_line(r.label, a);
  }
  if (tracer) tracer->close();
  const MeshReport rep = make_mesh_report(entries);
  const MeshSummary& primary = entries.front().summary;
  nlohmann::json batching = nlohmann::json::object();
  std::string batch_text;
  for (const PlannedMeshRun& r : runs) {
    batching[r.label] = r.perf.batch_tiles;
    batch_text += fmt::format("{}{} {}", batch_text.empty() ? "" : ", ", r.label, r.perf.batch_tiles);
  }

  RunOutputs out;
  out.report = rep.json;
  out.report["accuracy"] = checks;
  out.report["batch"] = {{"sequences", sc.batch},
                         {"latency_s", primary.makespan_s * sc.batch},
                         {"device_energy_j", primary.device_energy_j * sc.batch},
                         {"note", "the mesh runs the batch's sequences one after another"}};
  out.report["star_sim"] = {{"version", version}, {"scenario", sc.name}, {"file", sc.file},
                            {"mode", to_string(sc.mode)}, {"mesh", fmt::format("{}x{}", sc.mesh_config.width, sc.mesh_config.height)},
                            {"controllers", mesh.controllers()}, {"tiling_tile_keys", shape.tiling().tile_keys},
                            {"batch_tiles", batching}, {"batch_tiles_auto", sc.batch_auto}};

  // CSV: the scenario's keys, the primary run's check, the sweep table's columns, the report.
  std::vector<std::string> header, row;
  scenario_columns(sc, header, row);
  const nlohmann::json& pa = checks[entries.front().label];
  for (const char* k : {"topk_recall", "softmax_mass", "rel_fro_vs_dense", "rel_fro_vs_exact_topk", "max_abs_vs_dense",
                        "max_abs_vs_model"}) {
    header.push_back(std::string("accuracy.") + k);
    row.push_back(pa.contains(k) ? fmt::format("{}", pa[k].get<double>()) : "");
  }
  header.push_back("accuracy.model_bit_exact");
  row.push_back(pa.contains("model_bit_exact") ? (pa["model_bit_exact"].get<bool>() ? "1" : "0") : "");
  header.insert(header.end(), {"batch.latency_ns", "batch.device_energy_j", "run.effective_gops", "run.batch_tiles"});
  row.push_back(fmt::format("{}", primary.makespan_s * sc.batch * 1e9));
  row.push_back(fmt::format("{}", primary.device_energy_j * sc.batch));
  row.push_back(fmt::format("{}", primary.effective_gops));
  row.push_back(fmt::format("{}", runs.front().perf.batch_tiles));
  append_report_columns(rep.csv_header, rep.csv_row, header, row);
  out.csv = csv_text(header, row);

  out.summary = fmt::format(
      "scenario {} ({} mode): {}x{} {}, {} memory controllers, {} NoC; {}S = {}, {} queries, {} heads / {} K/V heads, "
      "d = {}, keep {}, key tile {}{}; key tiles per macro cell{}: {}\n",
      sc.name, to_string(sc.mode), sc.mesh_config.width, sc.mesh_config.height, to_string(sc.mesh_config.noc.topology),
      mesh.controllers(),
      to_string(sc.mesh_config.noc.fidelity), full ? fmt::format("full layer (d_model {}, in controller 0), ", shape.d_model) : "",
      shape.seq_len, shape.queries(), shape.heads, shape.kv_heads, shape.head_dim, shape.algo.sads.keep,
      shape.tiling().tile_keys, shape.algo.causal ? ", causal" : "",
      sc.batch_auto ? fmt::format(" (auto, at most {} cells)", sc.target_cells) : "", batch_text);
  // Mesh messages are long (a tile is hundreds of flits): where the packet model is far off for
  // them, say so next to its numbers.
  const NocConfig noc = sc.mesh_config.noc_config();
  const std::string caveat = noc.packet_model_caveat(std::numeric_limits<uint32_t>::max());
  if (!caveat.empty()) out.summary += "note: mesh.noc: " + caveat + "\n";
  for (const std::string& name : sc.orchestrations) {
    const std::string known = packet_noc_caveat(parse_orchestration(name), noc);
    if (!known.empty()) out.summary += "note: mesh.orchestration " + name + ": " + known + "\n";
  }
  out.summary += rep.table;
  out.summary += check_text;
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.report["host"] = {{"wall_seconds", out.wall_seconds}};
  return out;
}

}  // namespace star
