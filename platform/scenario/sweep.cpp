#include "scenario/sweep.h"

#include <fmt/format.h>

#include "scenario/resolved_scenario.h"

namespace star {

std::string SweepPoint::id() const { return fmt::format("p{:04}", index); }

std::string SweepPoint::label() const {
  std::string out;
  for (const SweepOverride& o : overrides) out += (out.empty() ? "" : " ") + o.key + "=" + o.value;
  return out.empty() ? "(base)" : out;
}

std::vector<SweepPoint> expand_sweep(const Scenario& s) {
  std::vector<SweepPoint> points;
  const SweepSpec& sw = s.sweep;
  if (!sw.grid.empty()) {
    std::vector<std::size_t> pos(sw.grid.size(), 0);
    while (true) {
      SweepPoint p;
      for (std::size_t a = 0; a < sw.grid.size(); ++a) p.overrides.push_back(sw.grid[a].values[pos[a]]);
      points.push_back(p);
      std::size_t a = sw.grid.size();
      while (a > 0 && ++pos[a - 1] == sw.grid[a - 1].values.size()) pos[--a] = 0;
      if (a == 0) break;
    }
  }
  for (const auto& explicit_point : sw.points) points.push_back(SweepPoint{0, explicit_point});
  if (points.empty()) points.push_back(SweepPoint{});
  std::vector<ScenarioIssue> issues;
  for (std::size_t i = 0; i < points.size(); ++i) {
    points[i].index = i;
    Scenario point = s;
    try {
      for (const SweepOverride& o : points[i].overrides) apply_override(point, o);
      resolve(point);
    } catch (const ScenarioError& e) {
      for (ScenarioIssue issue : e.issues()) {
        issue.message += fmt::format(" (sweep point {}: {})", points[i].id(), points[i].label());
        issues.push_back(issue);
      }
    }
  }
  if (!issues.empty()) throw ScenarioError(issues);
  return points;
}

}  // namespace star
