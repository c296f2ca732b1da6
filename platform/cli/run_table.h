// The one-row results.csv of a run: the scenario's own columns (every resolved key) ahead of the
// report's, shared by the single-core and the mesh runner.
#pragma once

#include <string>
#include <vector>

#include "scenario/resolved_scenario.h"

namespace star {

// Every resolved key; quantities as numbers in base units so a script can plot them.
void scenario_columns(const ResolvedScenario& sc, std::vector<std::string>& header, std::vector<std::string>& row);
// Appends the columns of a report's CSV header line and row line.
void append_report_columns(const std::string& csv_header, const std::string& csv_row, std::vector<std::string>& header,
                           std::vector<std::string>& row);
// Header line and row line (fields quoted where needed).
std::string csv_text(const std::vector<std::string>& header, const std::vector<std::string>& row);

}  // namespace star
