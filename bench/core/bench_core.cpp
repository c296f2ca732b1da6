// Benchmarks of the STAR core (issue 3), run by hand: build/bin/bench-core [--quick]
//   1. calibration: a Llama-7B-like attention layer (32 heads, d = 128, S = 4096, keep 20 %, i.e.
//      about 80 % of the attention computation removed) against SOFA's published row;
//   2. speed: one BERT-base layer (12 heads, d = 64, S = 4096) in both modes next to the algorithm
//      models alone on the same layer; a Llama layer at S = 32768 in performance mode;
//   3. ablations on one core: cycles, DRAM bytes per stage and energy for each STAR technique.
#include <CLI/CLI.hpp>
#include <chrono>

#include <fmt/format.h>

#include "energy/energy_tables.h"
#include "reference/generators.h"
#include "report/core_report.h"
#include "soc/job_placement.h"
#include "soc/star_soc.h"

using namespace star;

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Energy {
  EnergyModel model;
  AreaModel area;
};

CoreRunReport report(const StarSoc& soc, const CoreJob& job, const Energy& e) {
  return make_core_report(soc, job, e.model, e.area);
}

// A full layer's job without data (performance mode): shapes and algorithm only.
CoreJob shape_job(std::uint32_t S, std::uint32_t heads, std::uint32_t d, std::uint32_t d_model,
                  const StarAlgoConfig& algo) {
  CoreJob job;
  job.kind = JobKind::full_layer;
  job.seq_len = S;
  job.heads = job.kv_heads = heads;
  job.head_dim = d;
  job.d_model = d_model;
  job.algo = algo;
  const std::uint64_t region = std::uint64_t{512} << 20;
  job.x_addr = region;
  job.wq_addr = 2 * region;
  job.wk_addr = 3 * region;
  job.wv_addr = 4 * region;
  job.o_addr = 5 * region;
  job.scratch_addr = 6 * region;
  job.shifts.q.assign(heads, 0);
  job.shifts.k.assign(heads, 0);
  job.shifts.v.assign(heads, 0);
  job.shifts.k_hat.assign(heads, 0);
  return job;
}

// An attention-only job (Q, K, V in DRAM, e.g. a KV cache) without data.
CoreJob shape_qkv_job(std::uint32_t S, std::uint32_t heads, std::uint32_t d,
                      const StarAlgoConfig& algo) {
  CoreJob job = shape_job(S, heads, d, 0, algo);
  job.kind = JobKind::attention_only;
  job.shifts = {};
  job.q_addr = job.x_addr;
  job.k_addr = job.wq_addr;
  job.v_addr = job.wk_addr;
  return job;
}

std::uint64_t stage_bytes(const StarSoc& soc, Stage s) {
  return soc.core.fetcher.bytes(s, Direction::read) + soc.core.fetcher.bytes(s, Direction::write);
}

}  // namespace

int sc_main(int argc, char** argv) {
  bool quick = false;
  CLI::App app{"bench-core: STAR core calibration, speed and ablations"};
  app.add_flag("--quick", quick, "smaller layers (a smoke run)");
  CLI11_PARSE(app, argc, argv);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);

  SocConfig fcfg, pcfg;
  pcfg.memory.mode = DataMode::performance;
  StarSoc fsoc("functional", fcfg), psoc("performance", pcfg);
  const EnergyTables tables = load_energy_tables();
  const Energy energy{EnergyModel(tables, core_parameters(fcfg.core)),
                      AreaModel(tables.area, core_parameters(fcfg.core))};

  // ---- 1. calibration against SOFA ----
  {
    StarAlgoConfig algo;
    algo.sads.keep = 0.2;
    algo.subsegments = 8;  // B_c = 512: the query block and one key tile fit the token buffer
    const std::uint32_t S = quick ? 1024 : 4096;
    fmt::print("== calibration: Llama-7B-like attention layer (Q, K, V given), 32 heads, d = 128, "
               "S = {}, keep 20 %, performance mode\n", S);
    fmt::print("  {:<28} {:>12} {:>12} {:>12} {:>10} {:>10}\n", "", "eff. GOPS", "GOPS/W core",
               "GOPS/W dev", "GOPS/mm2", "latency");
    for (bool causal : {false, true}) {
      algo.causal = causal;
      const CoreJob job = shape_qkv_job(S, 32, 128, algo);
      const auto t0 = std::chrono::steady_clock::now();
      psoc.run(job);
      const double wall = since(t0);
      const CoreRunReport r = report(psoc, job, energy);
      fmt::print("  {:<28} {:>12.0f} {:>12.0f} {:>12.0f} {:>10.0f} {:>8.2f} ms   (wall {:.2f} s)\n",
                 causal ? "STAR-VP, causal prefill" : "STAR-VP, full attention",
                 r.energy.effective_gops, r.energy.core_gops_per_w, r.energy.device_gops_per_w,
                 r.energy.gops_per_mm2, r.energy.elapsed_s * 1e3, wall);
      if (!causal) std::fputs(r.table.c_str(), stdout);
    }
    fmt::print("  {:<28} {:>12} {:>12} {:>12} {:>10} {:>10}\n", "SOFA (Table II)", "24423", "25708",
               "7183", "4292", "45 ms");
  }

  // ---- 2. speed ----
  {
    const std::uint32_t S = quick ? 1024 : 4096;
    fmt::print("\n== speed: BERT-base layer, 12 heads, d = 64, d_model 768, S = {}\n", S);
    const LayerInputs li = generate_layer(RowType::mixed, S, 768, 12, 12, 64, 1);
    const QuantizedLayer layer = quantize_layer(li.x, li.w_q, li.w_k, li.w_v, 12, 12, 64);
    StarAlgoConfig algo;
    algo.sads.keep = 0.25;
    algo.subsegments = 4;
    const LayerShifts shifts = calibrate_layer_shifts(layer, algo.predictor);
    auto t0 = std::chrono::steady_clock::now();
    const LayerResult model = run_layer(layer, algo, shifts);
    const double t_model = since(t0);
    const CoreJob job = place_layer(fsoc.memory, layer, algo, shifts);
    t0 = std::chrono::steady_clock::now();
    fsoc.run(job);
    const double t_func = since(t0);
    const bool same = read_output(fsoc.memory, job) == model.out;
    t0 = std::chrono::steady_clock::now();
    psoc.run(job);
    const double t_perf = since(t0);
    const double cycles = double(fsoc.core.job_cycles());
    fmt::print("  algorithm models alone        {:8.3f} s\n", t_model);
    fmt::print("  functional mode               {:8.3f} s  ({:.2e} simulated cycles/s; output {} the models)\n",
               t_func, cycles / t_func, same ? "equals" : "DIFFERS FROM");
    fmt::print("  performance mode              {:8.3f} s  ({:.2e} simulated cycles/s)   target < 1 s\n",
               t_perf, double(psoc.core.job_cycles()) / t_perf);
    fmt::print("  functional / models           {:8.2f}      target <= 1.5\n", t_func / t_model);

    StarAlgoConfig big;
    big.sads.keep = 0.2;
    big.causal = true;
    const std::uint32_t SL = quick ? 8192 : 32768;
    big.subsegments = SL / 512;
    const CoreJob llama = shape_job(SL, 32, 128, 4096, big);
    t0 = std::chrono::steady_clock::now();
    psoc.run(llama);
    const double t_llama = since(t0);
    fmt::print("  Llama layer S = {} (32 heads, d = 128, causal), performance mode: {:.3f} s wall, "
               "{:.2f} ms simulated, {:.2e} cycles/s   target < 10 s\n",
               SL, t_llama, psoc.core.job_time().to_seconds() * 1e3,
               double(psoc.core.job_cycles()) / t_llama);
  }

  // ---- 3. ablations ----
  {
    const std::uint32_t S = quick ? 512 : 2048;
    fmt::print("\n== ablations: full layer, 4 heads, d = 64, d_model 768, S = {}, keep 25 %, functional\n", S);
    const LayerInputs li = generate_layer(RowType::mixed, S, 768, 4, 4, 64, 2);
    const QuantizedLayer layer = quantize_layer(li.x, li.w_q, li.w_k, li.w_v, 4, 4, 64);
    fmt::print("  {:<22} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>11}\n", "variant", "cycles",
               "pred MB", "sel MB", "kvgen MB", "formal MB", "out MB", "core uJ", "device uJ",
               "DLZS act uJ");
    struct Ablation {
      const char* name;
      void (*apply)(CoreJob&);
    };
    const Ablation ablations[] = {
        {"STAR (all on)", [](CoreJob&) {}},
        {"predictor slzs", [](CoreJob& j) { j.algo.predictor = Predictor::slzs; }},
        {"predictor int4", [](CoreJob& j) { j.algo.predictor = Predictor::int4; }},
        {"predictor exact", [](CoreJob& j) { j.algo.predictor = Predictor::exact; }},
        {"prediction off", [](CoreJob& j) { j.algo.dense = true; j.algo.sufa.order = SufaOrder::unsorted; }},
        {"SU-FA unsorted (FA-2)", [](CoreJob& j) { j.algo.sufa.order = SufaOrder::unsorted; }},
        {"SU-FA ascending", [](CoreJob& j) { j.algo.sufa.order = SufaOrder::ascending; }},
        {"RASS off", [](CoreJob& j) { j.rass = false; }},
        {"on-demand K/V off", [](CoreJob& j) { j.algo.on_demand_kv = false; }},
        {"stage-isolated flow", [](CoreJob& j) { j.flow = Flow::stage_isolated; }},
    };
    for (const Ablation& a : ablations) {
      StarAlgoConfig algo;
      algo.sads.keep = 0.25;
      algo.subsegments = 4;
      CoreJob probe;
      probe.algo = algo;
      a.apply(probe);
      const LayerShifts shifts = calibrate_layer_shifts(layer, probe.algo.predictor);
      CoreJob job = place_layer(fsoc.memory, layer, probe.algo, shifts);
      job.rass = probe.rass;
      job.flow = probe.flow;
      fsoc.run(job);
      const CoreRunReport r = report(fsoc, job, energy);
      double dlzs_action = 0;
      for (const BlockEnergy& b : r.energy.blocks)
        if (b.name == "dlzs") dlzs_action = b.action_j;
      fmt::print("  {:<22} {:>10} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>10.1f} {:>10.1f} {:>11.2f}\n",
                 a.name, fsoc.core.job_cycles(), stage_bytes(fsoc, Stage::predict) / 1e6,
                 stage_bytes(fsoc, Stage::select) / 1e6, stage_bytes(fsoc, Stage::kvgen) / 1e6,
                 stage_bytes(fsoc, Stage::formal) / 1e6, stage_bytes(fsoc, Stage::output) / 1e6,
                 r.energy.core_energy_j * 1e6, r.energy.device_energy_j * 1e6, dlzs_action * 1e6);
    }
  }
  return 0;
}
