// The registry of named statistics of one simulation run. Each module registers what it counts
// under a hierarchical, dotted name whose last component is the statistic and the rest the module
// ("core.sufa.busy_cycles" -> module "core.sufa", statistic "busy_cycles"), with a unit and a
// one-line description, so every report (JSON, CSV, table) is self-describing.
//
// The registry does not own the values: it keeps a sampler per statistic and reads it when a report
// is written. Modules therefore must outlive the last report (true for sc_modules, which live until
// the end of sc_main).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "stats/statistic.h"

namespace star {

// A sampled value: integral counts stay integers in the reports, everything else is a double.
using StatValue = std::variant<std::uint64_t, double>;

struct StatInfo {
  std::string name;  // full dotted name
  std::string unit;  // "bytes", "ns", "cycles", "1" for ratios, ...
  std::string description;
  std::function<StatValue()> sample;

  std::string module() const;  // everything before the last '.'
  std::string stat() const;    // the last component
};

class StatsRegistry {
 public:
  // Each throws std::invalid_argument for a malformed name (empty components, characters other
  // than [A-Za-z0-9_], fewer than two components) or a name registered twice.
  void add_counter(const std::string& name, const Counter& c, std::string unit,
                   std::string description);
  void add_scalar(const std::string& name, const Scalar& v, std::string unit,
                  std::string description);
  void add_average(const std::string& name, const Average& a, std::string unit,
                   std::string description);
  void add_high_water(const std::string& name, const HighWaterMark& h, std::string unit,
                      std::string description);
  // A value derived at report time (utilisation = busy / elapsed, ...).
  void add_value(const std::string& name, std::function<double()> fn, std::string unit,
                 std::string description);
  void add_integer(const std::string& name, std::function<std::uint64_t()> fn, std::string unit,
                   std::string description);

  bool contains(const std::string& name) const { return stats_.count(name) != 0; }
  std::size_t size() const { return stats_.size(); }
  const StatInfo& at(const std::string& name) const;  // throws std::out_of_range naming it
  StatValue sample(const std::string& name) const { return at(name).sample(); }
  double sample_as_double(const std::string& name) const;

  // All statistics in name order: the stable column order of the CSV writer.
  std::vector<const StatInfo*> sorted() const;

 private:
  void add(StatInfo info);
  std::map<std::string, StatInfo> stats_;
};

// Validates a dotted statistic name; throws std::invalid_argument naming the problem.
void validate_stat_name(const std::string& name);

}  // namespace star
