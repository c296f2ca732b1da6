#include "scenario/units.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <utility>
#include <vector>

namespace star {

namespace {

using UnitTable = std::vector<std::pair<const char*, double>>;

// Largest first, so format_quantity picks the biggest unit that keeps the number whole.
const UnitTable& units(Dimension dim) {
  static const UnitTable frequency{{"THz", 1e12}, {"GHz", 1e9}, {"MHz", 1e6}, {"kHz", 1e3}, {"Hz", 1}};
  static const UnitTable bytes{{"TiB", 1099511627776.0}, {"GiB", 1073741824.0},
                               {"MiB", 1048576.0},       {"KiB", 1024.0},
                               {"TB", 1e12},             {"GB", 1e9},
                               {"MB", 1e6},              {"kB", 1e3},
                               {"KB", 1e3},              {"B", 1}};
  static const UnitTable bandwidth{{"TB/s", 1e12},  {"GB/s", 1e9},  {"MB/s", 1e6},
                                   {"kB/s", 1e3},   {"TiB/s", 1099511627776.0},
                                   {"GiB/s", 1073741824.0},        {"MiB/s", 1048576.0},
                                   {"KiB/s", 1024.0}, {"B/s", 1}};
  static const UnitTable time{{"s", 1e12}, {"ms", 1e9}, {"us", 1e6}, {"ns", 1e3}, {"ps", 1}};
  switch (dim) {
    case Dimension::frequency: return frequency;
    case Dimension::bytes: return bytes;
    case Dimension::bandwidth: return bandwidth;
    case Dimension::time: return time;
  }
  return frequency;
}

const char* dimension_name(Dimension dim) {
  switch (dim) {
    case Dimension::frequency: return "frequency";
    case Dimension::bytes: return "size";
    case Dimension::bandwidth: return "bandwidth";
    case Dimension::time: return "time";
  }
  return "";
}

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

}  // namespace

std::string unit_names(Dimension dim) {
  std::string out;
  for (const auto& u : units(dim)) {
    if (dim == Dimension::bytes && std::string(u.first) == "KB") continue;  // alias of kB
    out += (out.empty() ? "" : ", ") + std::string(u.first);
  }
  return out;
}

std::string base_unit(Dimension dim) { return units(dim).back().first; }

double parse_quantity(const std::string& raw, Dimension dim) {
  const std::string text = trim(raw);
  auto bad = [&](const std::string& why) {
    return std::invalid_argument(fmt::format("'{}' is not a {}: {} (a number with a unit: {})", raw,
                                             dimension_name(dim), why, unit_names(dim)));
  };
  if (text.empty()) throw bad("empty");
  const char* begin = text.c_str();
  char* end = nullptr;
  const double number = std::strtod(begin, &end);
  if (end == begin) throw bad("no number");
  if (!std::isfinite(number)) throw bad("not finite");
  if (number < 0) throw bad("negative");
  const std::string unit = trim(std::string(end));
  if (unit.empty()) {
    if (dim == Dimension::time && number != 0) throw bad("a time needs its unit");
    return number;
  }
  for (const auto& u : units(dim))
    if (unit == u.first) return dim == Dimension::time ? std::round(number * u.second) : number * u.second;
  throw bad("unknown unit '" + unit + "'");
}

std::string format_quantity(double value, Dimension dim) {
  for (const auto& u : units(dim)) {
    const double n = value / u.second;
    if (n >= 1 && n == std::floor(n) && n * u.second == value && n < 1e15)
      return fmt::format("{} {}", static_cast<long long>(n), u.first);
  }
  return fmt::format("{} {}", value, base_unit(dim));
}

}  // namespace star
