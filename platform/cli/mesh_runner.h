// Runs one resolved mesh scenario (mesh.enabled): builds the Spatial-STAR mesh, spreads an
// attention-only layer's K/V groups over the memory controllers or puts a full layer (X and the
// weights; the cores generate K/V on demand) whole into controller 0 (generated data in functional
// mode), runs each orchestration of mesh.orchestration and the references of mesh.compare one
// after another on the same mesh, and gathers the mesh report (platform/mesh/mesh_report.h). In
// functional mode every run's output is read back and checked against the single-core algorithm
// model (bit for bit) and the dense reference.
#pragma once

#include "job_runner.h"

namespace star {

// Call once per process (SystemC elaborates once). Every plan is made before the first
// simulation step, so a bad plan throws std::invalid_argument without having simulated. With
// tracing on, `vcd_path` gets the waveforms of every run, one after another in simulated time:
// each core's stages (`mesh.core<i>.*`, as the single-core SoC's `core.*`), each memory
// controller's bandwidth (`mesh.mc<m>`) and the NoC's routers (`mesh.noc.r<x>_<y>`: link
// utilisation and buffer occupancy, NocFabric::trace).
RunOutputs run_mesh_scenario(const ResolvedScenario& sc, const std::string& vcd_path, const std::string& version);

}  // namespace star
