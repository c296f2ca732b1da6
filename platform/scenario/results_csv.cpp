#include "scenario/results_csv.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace star {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

std::string csv_field(const std::string& f) {
  if (f.find_first_of(",\"\n") == std::string::npos) return f;
  std::string out = "\"";
  for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

CsvRow parse_one_row_csv(const std::string& text) {
  const std::size_t nl = text.find('\n');
  if (nl == std::string::npos) throw std::invalid_argument("CSV without a data row");
  std::size_t end = text.find('\n', nl + 1);
  if (end == std::string::npos) end = text.size();
  CsvRow r{split_csv_line(text.substr(0, nl)), split_csv_line(text.substr(nl + 1, end - nl - 1))};
  if (r.header.size() != r.values.size()) throw std::invalid_argument("CSV row and header differ in length");
  return r;
}

std::string aggregate_csv(
    const std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, CsvRow>>& rows) {
  std::vector<std::string> columns;
  auto add = [&](const std::string& c) {
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  };
  for (const auto& r : rows) {
    for (const auto& lead : r.first) add(lead.first);
    for (const std::string& c : r.second.header) add(c);
  }
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_field(columns[i]);
  out += "\n";
  for (const auto& r : rows) {
    std::map<std::string, std::string> cell;
    for (const auto& lead : r.first) cell[lead.first] = lead.second;
    for (std::size_t i = 0; i < r.second.header.size(); ++i) cell[r.second.header[i]] = r.second.values[i];
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_field(cell[columns[i]]);
    out += "\n";
  }
  return out;
}

}  // namespace star
