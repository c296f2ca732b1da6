#include "run_table.h"

#include <fmt/format.h>

#include "scenario/results_csv.h"

namespace star {

void scenario_columns(const ResolvedScenario& sc, std::vector<std::string>& header, std::vector<std::string>& row) {
  for (const KeySpec& spec : scenario_schema()) {
    const Value& v = sc.at(spec.key);
    header.push_back(spec.key);
    if (spec.kind == ValueKind::quantity && !v.is_auto)
      row.push_back(fmt::format("{}", v.number));
    else
      row.push_back(value_text(spec, v));
  }
}

void append_report_columns(const std::string& csv_header, const std::string& csv_row, std::vector<std::string>& header,
                           std::vector<std::string>& row) {
  const std::vector<std::string> rh = split_csv_line(csv_header), rr = split_csv_line(csv_row);
  header.insert(header.end(), rh.begin(), rh.end());
  row.insert(row.end(), rr.begin(), rr.end());
}

std::string csv_text(const std::vector<std::string>& header, const std::vector<std::string>& row) {
  std::string out;
  for (std::size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + csv_field(header[i]);
  out += "\n";
  for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_field(row[i]);
  return out + "\n";
}

}  // namespace star
