#include "energy/energy_report.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace star {
namespace {

const char* stage_of(const std::string& block) {
  if (block == "dlzs") return "prediction";
  if (block == "sads") return "selection";
  if (block == "kvgen" || block == "sufa") return "formal";
  if (block == "sram") return "on_chip_memory";
  return "control";
}

}  // namespace

double dense_attention_ops(std::uint64_t queries, std::uint64_t keys, std::uint64_t head_dim,
                           bool causal) {
  const double ops = 4.0 * double(queries) * double(keys) * double(head_dim);
  return causal ? ops / 2 : ops;
}

double executed_operations(const OpCounts& c) {
  return 2.0 * double(c.macs) + double(c.shifts) + double(c.adds) + double(c.compares) +
         double(c.exps) + double(c.multiplies) + double(c.divisions);
}

const char* to_string(EnergyMethod m) {
  return m == EnergyMethod::calibrated_power ? "calibrated_power" : "action_counts";
}

EnergyReport make_energy_report(const RunActivity& run, const EnergyModel& energy,
                                const AreaModel& area, EnergyMethod method) {
  if (!(run.elapsed_s > 0) || !std::isfinite(run.elapsed_s))
    throw std::invalid_argument("elapsed time must be positive");
  const auto& names = core_block_names();
  for (const auto& kv : run.blocks)
    if (std::find(names.begin(), names.end(), kv.first) == names.end())
      throw std::invalid_argument("unknown STAR block '" + kv.first + "' in the activity");
  if (!(run.dense_equivalent_ops >= 0))
    throw std::invalid_argument("dense-equivalent operations must be >= 0");

  EnergyReport r;
  r.method = method;
  r.technology_nm = energy.parameters().technology_nm;
  r.elapsed_s = run.elapsed_s;
  for (const char* s : {"prediction", "selection", "formal", "on_chip_memory", "control"})
    r.stage_energy_j[s] = 0.0;

  double sram_action_j = 0.0;
  for (const auto& [buffer, t] : run.sram)
    sram_action_j += energy.sram_energy_j(buffer, t.bytes_read, t.bytes_written);

  double executed = 0.0;
  for (const auto& name : names) {
    const auto it = run.blocks.find(name);
    const BlockActivity act = it == run.blocks.end() ? BlockActivity{} : it->second;
    BlockEnergy b;
    b.name = name;
    b.busy_s = act.busy_s;
    b.utilisation = act.busy_s / run.elapsed_s;
    b.calibrated_j = energy.calibrated_energy_j(name, act.busy_s, run.elapsed_s);
    b.action_j = energy.counts_energy_j(name, act.ops) + (name == "sram" ? sram_action_j : 0.0);
    b.energy_j = method == EnergyMethod::calibrated_power ? b.calibrated_j : b.action_j;
    b.area_mm2 = area.block_area_mm2(name);
    r.stage_energy_j[stage_of(name)] += b.energy_j;
    r.core_energy_j += b.energy_j;
    r.core_area_mm2 += b.area_mm2;
    executed += executed_operations(act.ops);
    r.blocks.push_back(b);
  }

  r.dram_energy_j = energy.dram_energy_j(run.dram_bytes);
  r.interface_energy_j = energy.interface_energy_j(run.dram_bytes);
  r.background_energy_j = energy.background_energy_j(run.elapsed_s);
  r.stage_energy_j["dram"] = r.dram_energy_j;
  r.stage_energy_j["memory_interface"] = r.interface_energy_j;
  r.stage_energy_j["dram_background"] = r.background_energy_j;
  r.device_energy_j =
      r.core_energy_j + r.dram_energy_j + r.interface_energy_j + r.background_energy_j;
  r.core_power_w = r.core_energy_j / run.elapsed_s;
  r.device_power_w = r.device_energy_j / run.elapsed_s;

  r.executed_ops = run.executed_ops >= 0 ? run.executed_ops : executed;
  r.dense_equivalent_ops = run.dense_equivalent_ops;
  r.physical_gops = r.executed_ops / run.elapsed_s / 1e9;
  r.effective_gops = r.dense_equivalent_ops / run.elapsed_s / 1e9;
  const auto per = [](double x, double y) { return y > 0 ? x / y : 0.0; };
  r.core_gops_per_w = per(r.effective_gops, r.core_power_w);
  r.device_gops_per_w = per(r.effective_gops, r.device_power_w);
  r.gops_per_mm2 = per(r.effective_gops, r.core_area_mm2);
  r.physical_gops_per_w = per(r.physical_gops, r.core_power_w);
  return r;
}

}  // namespace star
