#include "job_runner.h"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include "energy/energy_tables.h"
#include "functional_data.h"
#include "progress_monitor.h"
#include "report/core_report.h"
#include "mesh_runner.h"
#include "run_table.h"
#include "soc/star_soc.h"
#include "tracing/tracer.h"

namespace star {

namespace {

std::string accuracy_line(const nlohmann::json& a) {
  if (a.contains("skipped")) return "accuracy: skipped (" + a["skipped"].get<std::string>() + ")\n";
  return fmt::format(
      "accuracy ({} head{}): top-k recall {:.4f}, softmax mass {:.4f}, rel. error vs dense {:.4g}, "
      "vs exact top-k {:.4g}; output {} the algorithm model bit for bit\n",
      a["heads_checked"].get<unsigned>(), a["heads_checked"].get<unsigned>() == 1 ? "" : "s",
      a["topk_recall"].get<double>(), a["softmax_mass"].get<double>(),
      a["rel_fro_vs_dense"].get<double>(), a["rel_fro_vs_exact_topk"].get<double>(),
      a["model_bit_exact"].get<bool>() ? "equals" : "DIFFERS FROM");
}

}  // namespace

void check_trace_filter(const Tracer& tracer, const ResolvedScenario& sc) {
  const std::vector<std::string> unmatched = tracer.unmatched_filters();
  if (unmatched.empty()) return;
  std::set<std::string> shapes;  // the offered modules with their numbers as *
  for (const std::string& m : tracer.offered_modules()) {
    std::string shape;
    for (std::size_t i = 0; i < m.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(m[i]))) shape += m[i];
      else if (i == 0 || !std::isdigit(static_cast<unsigned char>(m[i - 1]))) shape += '*';
    shapes.insert(shape);
  }
  std::string allowed;
  for (const std::string& s : shapes) allowed += (allowed.empty() ? "" : ", ") + s;
  std::vector<ScenarioIssue> issues;
  for (const std::string& f : unmatched)
    issues.push_back({SourceLocation{sc.file, 0, 0}, "tracing.modules",
                      fmt::format("'{}' selects no module; allowed: these modules and their parents, or globs "
                                  "over them (*: any number): {}",
                                  f, allowed)});
  throw ScenarioError(issues);
}

RunOutputs run_scenario(const ResolvedScenario& sc, const std::string& vcd_path,
                        double progress_after_s, const std::string& version) {
  if (sc.mesh) return run_mesh_scenario(sc, vcd_path, version);
  const auto t0 = std::chrono::steady_clock::now();
  // SystemC's informational messages (e.g. the VCD timescale) would mix into the summary.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // The tracer is created before the modules that register with it (it must outlive them).
  std::unique_ptr<Tracer> tracer;
  if (sc.trace.enabled) {
    TraceConfig tc = sc.trace;
    tc.path = vcd_path;
    tracer = std::make_unique<Tracer>("tracer", tc);
  }
  StarSoc soc("soc", sc.soc);
  if (tracer) {
    soc.core.trace(*tracer, "core");
    soc.memory.trace(*tracer, "memory");
    check_trace_filter(*tracer, sc);
  }
  ProgressMonitor monitor("progress", soc.core, progress_after_s >= 0, progress_after_s);

  std::unique_ptr<FunctionalData> data;
  CoreJob job = sc.job;
  if (sc.mode == DataMode::functional) {
    data = std::make_unique<FunctionalData>(sc, soc);
    job = data->job();
  }
  soc.run(job, sc.perf);
  monitor.finish();

  const EnergyTables tables = load_energy_tables();
  const CoreParameters params = core_parameters(sc.soc.core);
  const CoreRunReport rep = make_core_report(soc, job, EnergyModel(tables, params), AreaModel(tables.area, params));
  if (tracer) tracer->close();

  RunOutputs out;
  out.report = rep.json;
  nlohmann::json acc;
  if (data) acc = data->accuracy(soc);
  else acc = {{"skipped", "performance mode moves no data"}};
  out.report["accuracy"] = acc;
  const double latency_s = soc.core.job_time().to_seconds();
  out.report["batch"] = {{"sequences", sc.batch},
                         {"latency_s", latency_s * sc.batch},
                         {"device_energy_j", rep.energy.device_energy_j * sc.batch},
                         {"note", "the core runs the batch's sequences one after another"}};
  out.report["star_sim"] = {{"version", version}, {"scenario", sc.name}, {"file", sc.file},
                            {"mode", to_string(sc.mode)}, {"tiling_tile_keys", job.tiling().tile_keys},
                            {"tiling_tiles_per_row", job.tiling().n_tiles()},
                            {"batch_tiles", sc.perf.batch_tiles}, {"batch_tiles_auto", sc.batch_auto}};

  std::vector<std::string> header, row;
  scenario_columns(sc, header, row);
  for (const char* k : {"topk_recall", "softmax_mass", "rel_fro_vs_dense", "rel_fro_vs_exact_topk", "max_abs_vs_dense"}) {
    header.push_back(std::string("accuracy.") + k);
    row.push_back(acc.contains(k) ? fmt::format("{}", acc[k].get<double>()) : "");
  }
  // Per-block and per-stage energy, for breakdown charts.
  for (const BlockEnergy& b : rep.energy.blocks) {
    header.push_back("energy.block." + b.name + "_j");
    row.push_back(fmt::format("{}", b.energy_j));
  }
  for (const auto& [stage, joules] : rep.energy.stage_energy_j) {
    header.push_back("energy.stage." + stage + "_j");
    row.push_back(fmt::format("{}", joules));
  }
  header.push_back("batch.latency_ns");
  row.push_back(fmt::format("{}", latency_s * sc.batch * 1e9));
  header.push_back("batch.device_energy_j");
  row.push_back(fmt::format("{}", rep.energy.device_energy_j * sc.batch));
  header.push_back("run.batch_tiles");
  row.push_back(fmt::format("{}", sc.perf.batch_tiles));
  append_report_columns(rep.csv_header, rep.csv_row, header, row);
  out.csv = csv_text(header, row);

  const CoreJob& sj = sc.job;
  out.summary = fmt::format(
      "scenario {} ({} mode): {} {}, S = {}, {} queries, {} heads / {} K/V heads, d = {}, keep {}, "
      "predictor {}, schedule {}, key tile {} ({} per row){}{}\n",
      sc.name, to_string(sc.mode), sc.at("workload.model").text, to_string(sj.kind), sj.seq_len,
      sj.queries(), sj.heads, sj.kv_heads, sj.head_dim, sj.algo.sads.keep,
      sc.at("algorithm.predictor").text, sc.at("schedule").text, job.tiling().tile_keys,
      job.tiling().n_tiles(), sj.algo.causal ? ", causal" : "",
      sc.perf.batch_tiles > 1 || sc.batch_auto
          ? fmt::format(", {} key tiles per macro cell{}", sc.perf.batch_tiles,
                        sc.batch_auto ? fmt::format(" (auto, at most {} cells)", sc.target_cells) : "")
          : "");
  out.summary += rep.table;
  if (sc.batch > 1)
    out.summary += fmt::format("batch of {}: latency {:.3f} us, device energy {:.4g} J\n", sc.batch,
                               latency_s * sc.batch * 1e6, rep.energy.device_energy_j * sc.batch);
  out.summary += accuracy_line(acc);
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.report["host"] = {{"wall_seconds", out.wall_seconds}};
  return out;
}

}  // namespace star
