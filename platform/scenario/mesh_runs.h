// The runs a mesh scenario (mesh.enabled) makes, each with its plan: the orchestrations of
// mesh.orchestration in order, then the references of mesh.compare (baseline, unless already
// run; one_core: query_split on one core). Planning needs the mesh's layout only, not its
// modules, so resolve() plans every run too: a plan that cannot be made (the cores' scratch
// slots do not fit above the controllers' data) is an error of the scenario, reported by
// `star-sim validate` and by a sweep before any point runs, the same as at run time.
#pragma once

#include <string>
#include <vector>

#include "mesh/mesh_layout.h"
#include "mesh/orchestration.h"
#include "scenario/resolved_scenario.h"

namespace star {

struct PlannedMeshRun {
  std::string label;  // the orchestration's name, "baseline" or "one_core"
  MeshPlan plan;
  PerformanceWorkload perf;  // its batch_tiles: ResolvedScenario::mesh_batch_tiles
};

// The layer as the runner places it in performance mode: an attention-only layer's K/V groups
// spread over the controllers (spread_layer), a full layer whole in controller 0 (the resolved
// job). Functional placement gives the same jobs, with the data written.
std::vector<CoreJob> mesh_layer_parts(const ResolvedScenario& sc, const MeshLayout& mesh);

// Plans every run of `sc` over `parts` (their shapes and addresses; the flow and RASS are the
// scenario's). Throws std::invalid_argument naming the run and the keys to look at.
std::vector<PlannedMeshRun> plan_mesh_runs(const ResolvedScenario& sc, const MeshLayout& mesh,
                                           std::vector<CoreJob> parts);

}  // namespace star
