// Runs one resolved scenario on a single-core SoC (a mesh scenario goes to mesh_runner.h): builds the platform (with tracing and progress
// when asked), places generated data in functional mode, runs the job, and gathers the report,
// the accuracy against the dense reference, and the run's one-row CSV.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "scenario/resolved_scenario.h"

namespace star {

struct RunOutputs {
  nlohmann::json report;       // full JSON report
  std::string csv;             // header + one row
  std::string summary;         // human summary table
  double wall_seconds = 0.0;
};

class Tracer;

// Once every module has offered its signals, before the simulation: throws ScenarioError at
// tracing.modules for a filter entry that selects no module, listing what can be traced (digits
// shown as *: mesh.core*.sufa).
void check_trace_filter(const Tracer& tracer, const ResolvedScenario& sc);

// `vcd_path` is used when the scenario enables tracing. Call once per process (SystemC elaborates
// once). Throws std::invalid_argument / std::runtime_error on failure.
// Progress lines start once the run has taken `progress_after_s` of wall time (< 0: never).
RunOutputs run_scenario(const ResolvedScenario& sc, const std::string& vcd_path,
                        double progress_after_s, const std::string& version);

}  // namespace star
