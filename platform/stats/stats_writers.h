// Report writers for a StatsRegistry:
//   JSON  - full: every statistic with value, unit and description, grouped by module;
//   CSV   - one header line and one row, columns in name order, so runs of a sweep concatenate
//           (the header is identical for runs of the same platform);
//   table - a short human-readable summary (statistic, value, unit).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "stats/stats_registry.h"

namespace star {

// {"run": <run_info>, "modules": {"core.sufa": {"busy_cycles": {"value": 12, "unit": "cycles",
//   "description": "..."}}}}. "run" is omitted when run_info is null.
nlohmann::json stats_to_json(const StatsRegistry& reg, const nlohmann::json& run_info = nullptr);
void write_stats_json(const StatsRegistry& reg, std::ostream& os,
                      const nlohmann::json& run_info = nullptr);

// Header: the full statistic names; row: the values (integers exact, doubles shortest round-trip).
void write_stats_csv(const StatsRegistry& reg, std::ostream& os);
std::string stats_csv_header(const StatsRegistry& reg);
std::string stats_csv_row(const StatsRegistry& reg);

void write_stats_table(const StatsRegistry& reg, std::ostream& os);

// Writes `text` to `path`, throwing std::runtime_error naming the path if it cannot.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace star
