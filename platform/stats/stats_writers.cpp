#include "stats/stats_writers.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace star {
namespace {

nlohmann::json value_to_json(const StatValue& v) {
  return std::visit([](auto x) { return nlohmann::json(x); }, v);
}

std::string value_to_text(const StatValue& v) {
  return std::visit([](auto x) { return fmt::format("{}", x); }, v);
}

}  // namespace

nlohmann::json stats_to_json(const StatsRegistry& reg, const nlohmann::json& run_info) {
  nlohmann::json modules = nlohmann::json::object();
  for (const StatInfo* s : reg.sorted()) {
    modules[s->module()][s->stat()] = {
        {"value", value_to_json(s->sample())},
        {"unit", s->unit},
        {"description", s->description},
    };
  }
  nlohmann::json out = nlohmann::json::object();
  if (!run_info.is_null()) out["run"] = run_info;
  out["modules"] = std::move(modules);
  return out;
}

void write_stats_json(const StatsRegistry& reg, std::ostream& os, const nlohmann::json& run_info) {
  os << stats_to_json(reg, run_info).dump(2) << '\n';
}

std::string stats_csv_header(const StatsRegistry& reg) {
  std::string line;
  for (const StatInfo* s : reg.sorted()) {
    if (!line.empty()) line += ',';
    line += s->name;  // names are [A-Za-z0-9_.]: never need quoting
  }
  return line;
}

std::string stats_csv_row(const StatsRegistry& reg) {
  std::string line;
  bool first = true;
  for (const StatInfo* s : reg.sorted()) {
    if (!first) line += ',';
    first = false;
    line += value_to_text(s->sample());
  }
  return line;
}

void write_stats_csv(const StatsRegistry& reg, std::ostream& os) {
  os << stats_csv_header(reg) << '\n' << stats_csv_row(reg) << '\n';
}

void write_stats_table(const StatsRegistry& reg, std::ostream& os) {
  std::size_t name_w = 9, value_w = 5;
  std::vector<std::pair<const StatInfo*, std::string>> rows;
  for (const StatInfo* s : reg.sorted()) {
    std::string v = std::visit(
        [](auto x) {
          if constexpr (std::is_same_v<decltype(x), double>)
            return fmt::format("{:.6g}", x);
          else
            return fmt::format("{}", x);
        },
        s->sample());
    name_w = std::max(name_w, s->name.size());
    value_w = std::max(value_w, v.size());
    rows.emplace_back(s, std::move(v));
  }
  os << fmt::format("{:<{}}  {:>{}}  {}\n", "statistic", name_w, "value", value_w, "unit");
  os << std::string(name_w + value_w + 10, '-') << '\n';
  for (const auto& [s, v] : rows)
    os << fmt::format("{:<{}}  {:>{}}  {}\n", s->name, name_w, v, value_w, s->unit);
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open '" + path + "' for writing");
  f << text;
  if (!f) throw std::runtime_error("failed writing '" + path + "'");
}

}  // namespace star
