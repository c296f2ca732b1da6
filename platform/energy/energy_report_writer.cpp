#include "energy/energy_report_writer.h"

#include <cstdio>

namespace star {

nlohmann::json energy_report_json(const EnergyReport& r) {
  nlohmann::json j;
  j["method"] = to_string(r.method);
  j["technology_nm"] = r.technology_nm;
  j["elapsed_s"] = r.elapsed_s;
  nlohmann::json blocks = nlohmann::json::object();
  for (const auto& b : r.blocks) {
    blocks[b.name] = {
        {"busy_s", b.busy_s},     {"utilisation", b.utilisation}, {"calibrated_j", b.calibrated_j},
        {"action_j", b.action_j}, {"energy_j", b.energy_j},       {"area_mm2", b.area_mm2}};
  }
  j["blocks"] = blocks;
  j["stage_energy_j"] = r.stage_energy_j;
  j["core_energy_j"] = r.core_energy_j;
  j["dram_energy_j"] = r.dram_energy_j;
  j["interface_energy_j"] = r.interface_energy_j;
  j["background_energy_j"] = r.background_energy_j;
  j["device_energy_j"] = r.device_energy_j;
  j["core_power_w"] = r.core_power_w;
  j["device_power_w"] = r.device_power_w;
  j["core_area_mm2"] = r.core_area_mm2;
  j["executed_ops"] = r.executed_ops;
  j["dense_equivalent_ops"] = r.dense_equivalent_ops;
  j["physical_gops"] = r.physical_gops;
  j["effective_gops"] = r.effective_gops;
  j["core_gops_per_w"] = r.core_gops_per_w;
  j["device_gops_per_w"] = r.device_gops_per_w;
  j["gops_per_mm2"] = r.gops_per_mm2;
  j["physical_gops_per_w"] = r.physical_gops_per_w;
  return j;
}

std::string energy_report_summary(const EnergyReport& r) {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "energy (%s, %g nm), elapsed %.6g s\n", to_string(r.method),
                r.technology_nm, r.elapsed_s);
  out += line;
  out += "  block        busy %     energy uJ   area mm2\n";
  for (const auto& b : r.blocks) {
    std::snprintf(line, sizeof line, "  %-10s %7.1f %13.4f %10.3f\n", b.name.c_str(),
                  100 * b.utilisation, b.energy_j * 1e6, b.area_mm2);
    out += line;
  }
  std::snprintf(line, sizeof line,
                "  core %.6g J (%.6g W), DRAM %.6g J, interface %.6g J, device %.6g J (%.6g W)\n",
                r.core_energy_j, r.core_power_w, r.dram_energy_j, r.interface_energy_j,
                r.device_energy_j, r.device_power_w);
  out += line;
  std::snprintf(line, sizeof line,
                "  effective %.6g GOPS, physical %.6g GOPS; %.6g GOPS/W core, %.6g GOPS/W "
                "device, %.6g GOPS/mm2\n",
                r.effective_gops, r.physical_gops, r.core_gops_per_w, r.device_gops_per_w,
                r.gops_per_mm2);
  out += line;
  return out;
}

}  // namespace star
