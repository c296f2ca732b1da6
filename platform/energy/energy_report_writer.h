// An EnergyReport as JSON (every field, with units in the key names) and as a short human summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "energy/energy_report.h"

namespace star {

nlohmann::json energy_report_json(const EnergyReport& r);
// A few lines: per-block energy and utilisation, then totals and efficiencies.
std::string energy_report_summary(const EnergyReport& r);

}  // namespace star
