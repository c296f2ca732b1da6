// The report of one STAR core run: every module's statistics (name, unit, description), the
// energy/area/throughput figures, as JSON (full), one CSV row (for sweeps) and a short table.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "energy/area_model.h"
#include "energy/energy_model.h"
#include "energy/energy_report.h"
#include "soc/star_soc.h"

namespace star {

// Unit counts of the energy/area tables from the core's organisation.
CoreParameters core_parameters(const CoreConfig& core);

struct CoreRunReport {
  EnergyReport energy;
  nlohmann::json json;
  std::string csv_header, csv_row;
  std::string table;
};

// Builds the report of the job the SoC ran last.
CoreRunReport make_core_report(const StarSoc& soc, const CoreJob& job, const EnergyModel& energy,
                               const AreaModel& area);

}  // namespace star
