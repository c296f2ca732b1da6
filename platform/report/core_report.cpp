#include "report/core_report.h"

#include <fmt/format.h>


#include "energy/energy_report_writer.h"
#include "stats/stats_registry.h"
#include "stats/stats_writers.h"

namespace star {

CoreParameters core_parameters(const CoreConfig& c) {
  CoreParameters p;
  p.clock_ghz = c.clock_hz / 1e9;
  p.units["dlzs"] = double(c.dlzs_rows) * c.dlzs_cols;
  p.units["sads"] = c.sort_cores;
  p.units["kvgen"] = double(c.kvgen_rows) * c.kvgen_cols;
  p.units["sufa"] = 2.0 * c.sufa_rows * c.sufa_cols;
  p.units["sram"] = double(c.token_buffer_bytes + c.weight_buffer_bytes + c.temp_buffer_bytes) / 1024;
  return p;
}

CoreRunReport make_core_report(const StarSoc& soc, const CoreJob& job, const EnergyModel& energy,
                               const AreaModel& area) {
  const StarCore& core = soc.core;
  const double period = core.config().period_ns() * 1e-9;
  RunActivity run;
  run.elapsed_s = core.job_time().to_seconds();
  const char* names[] = {"dlzs", "sads", "kvgen", "sufa"};
  const auto stages = core.stages();
  for (std::size_t i = 0; i < stages.size(); ++i)
    run.blocks[names[i]] = BlockActivity{stages[i]->busy_cycles() * period, stages[i]->ops()};
  run.blocks["controller"] = BlockActivity{run.elapsed_s, {}};
  run.blocks["sram"] = BlockActivity{run.elapsed_s, {}};
  run.dram_bytes = core.fetcher.dram_bytes();
  run.dense_equivalent_ops =
      job.heads * dense_attention_ops(job.queries(), job.seq_len, job.head_dim, job.algo.causal);

  CoreRunReport r;
  r.energy = make_energy_report(run, energy, area);

  StatsRegistry reg;
  core.register_stats(reg, "core");
  soc.memory.register_stats(reg, "memory");
  reg.add_value("run.elapsed_ns", [t = run.elapsed_s] { return t * 1e9; }, "ns",
                "simulated time of the job");
  const EnergyReport& e = r.energy;
  reg.add_value("run.effective_gops", [v = e.effective_gops] { return v; }, "GOPS",
                "dense-equivalent operations of the layer per second");
  reg.add_value("run.physical_gops", [v = e.physical_gops] { return v; }, "GOPS",
                "operations executed per second");
  reg.add_value("run.core_power_w", [v = e.core_power_w] { return v; }, "W", "average core power");
  reg.add_value("run.device_power_w", [v = e.device_power_w] { return v; }, "W",
                "average power of core, DRAM and memory interface");
  reg.add_value("run.core_energy_j", [v = e.core_energy_j] { return v; }, "J", "core energy");
  reg.add_value("run.device_energy_j", [v = e.device_energy_j] { return v; }, "J",
                "core + DRAM + interface energy");
  reg.add_value("run.core_gops_per_w", [v = e.core_gops_per_w] { return v; }, "GOPS/W",
                "effective GOPS per core watt");
  reg.add_value("run.device_gops_per_w", [v = e.device_gops_per_w] { return v; }, "GOPS/W",
                "effective GOPS per device watt");
  reg.add_value("run.gops_per_mm2", [v = e.gops_per_mm2] { return v; }, "GOPS/mm2",
                "effective GOPS per mm2 of core");
  reg.add_value("run.core_area_mm2", [v = e.core_area_mm2] { return v; }, "mm2", "core area");

  r.json = stats_to_json(reg);
  r.json["energy"] = energy_report_json(e);
  r.csv_header = stats_csv_header(reg);
  r.csv_row = stats_csv_row(reg);

  std::string t;
  t += fmt::format("{:<8} {:>12} {:>7} {:>12} {:>12} {:>10} {:>14}\n", "stage", "busy cycles",
                   "util", "starved", "blocked", "tiles", "DRAM bytes");
  const Stage st[] = {Stage::predict, Stage::select, Stage::kvgen, Stage::formal};
  const double cycles = double(core.job_cycles());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    std::uint64_t bytes = core.fetcher.bytes(st[i], Direction::read) +
                          core.fetcher.bytes(st[i], Direction::write);
    if (st[i] == Stage::formal)
      bytes += core.fetcher.bytes(Stage::output, Direction::read) +
               core.fetcher.bytes(Stage::output, Direction::write);
    t += fmt::format("{:<8} {:>12} {:>6.1f}% {:>12} {:>12} {:>10} {:>14}\n", names[i],
                     stages[i]->busy_cycles(), cycles > 0 ? 100.0 * stages[i]->busy_cycles() / cycles : 0.0,
                     stages[i]->starved_cycles(), stages[i]->blocked_cycles(), stages[i]->tiles(), bytes);
  }
  t += fmt::format("latency {:.3f} us ({} cycles), DRAM {:.2f} MB\n", run.elapsed_s * 1e6,
                   core.job_cycles(), run.dram_bytes / 1e6);
  t += energy_report_summary(e);
  r.table = t;
  return r;
}

}  // namespace star
