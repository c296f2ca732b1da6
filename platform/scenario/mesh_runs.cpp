#include "scenario/mesh_runs.h"

#include <fmt/format.h>

#include <stdexcept>

#include "mesh/mesh_placement.h"

namespace star {

std::vector<CoreJob> mesh_layer_parts(const ResolvedScenario& sc, const MeshLayout& mesh) {
  if (sc.job.kind == JobKind::full_layer) return {sc.job};
  return spread_layer(sc.job, mesh, sc.mesh_region_bytes);
}

std::vector<PlannedMeshRun> plan_mesh_runs(const ResolvedScenario& sc, const MeshLayout& mesh,
                                           std::vector<CoreJob> parts) {
  for (CoreJob& p : parts) {
    p.flow = sc.job.flow;
    p.rass = sc.job.rass;
  }
  auto plan = [&](const std::string& label, Orchestration o, std::uint32_t cores = 0) {
    try {
      PerformanceWorkload perf = sc.perf;
      perf.batch_tiles = sc.mesh_batch_tiles(o);
      return PlannedMeshRun{label, plan_layer(parts, o, mesh, cores), perf};
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(
          fmt::format("planning {} (mesh.orchestration / mesh.compare / platform.memory.capacity): {}", label, e.what()));
    }
  };
  std::vector<PlannedMeshRun> runs;
  bool have_baseline = false;
  for (const std::string& o : sc.orchestrations) {
    runs.push_back(plan(o, parse_orchestration(o)));
    have_baseline = have_baseline || o == "baseline";
  }
  if (sc.compare_baseline && !have_baseline) runs.push_back(plan("baseline", Orchestration::baseline));
  if (sc.compare_one_core) runs.push_back(plan("one_core", Orchestration::query_split, 1));
  return runs;
}

}  // namespace star
