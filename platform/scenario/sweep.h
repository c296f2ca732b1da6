// Expansion of a scenario's `sweep:` section into points, each a list of overrides of the base
// scenario. Every point is resolved once here, so a bad value fails the whole sweep before any
// point runs, with the location of the value in the sweep section.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace star {

struct SweepPoint {
  std::size_t index = 0;
  std::vector<SweepOverride> overrides;
  std::string id() const;     // "p0003": the point's folder
  std::string label() const;  // "workload.keep=0.1 schedule=dense"
};

// Grid points first (the last grid key varies fastest), then explicit points. A scenario without
// a sweep section is one point with no overrides. Throws ScenarioError.
std::vector<SweepPoint> expand_sweep(const Scenario& s);

}  // namespace star
