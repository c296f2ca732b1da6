// One-row CSV files of runs and their aggregation into a sweep's results.csv. Columns are matched
// by name, so points whose reports carry different columns still line up (missing cells empty).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace star {

std::vector<std::string> split_csv_line(const std::string& line);
std::string csv_field(const std::string& field);  // quoted when it holds , " or newline

struct CsvRow {
  std::vector<std::string> header, values;
};
// The header and first data row of a one-row CSV text; throws std::invalid_argument if missing.
CsvRow parse_one_row_csv(const std::string& text);

// Rows in order, each prefixed by the given leading columns (e.g. point id and label).
std::string aggregate_csv(const std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, CsvRow>>& rows);

}  // namespace star
