// A scenario with every default filled in and every "auto" computed, checked as a whole (tiles
// that fit the buffers, top_k <= S, heads divisible into K/V groups, ...), and turned into the
// platform's configuration: the SoC, the core job, the data mode and the outputs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mesh/orchestration.h"
#include "mesh/spatial_star.h"
#include "reference/generators.h"
#include "scenario/scenario.h"
#include "soc/star_soc.h"
#include "tracing/trace_config.h"

namespace star {

struct ResolvedScenario {
  std::string file;
  std::map<std::string, Value> values;  // every schema key, none auto
  std::string name;
  DataMode mode = DataMode::performance;
  SocConfig soc;
  CoreJob job;  // shapes, algorithm, flow, RASS and DRAM addresses (data placed by the runner)
  std::uint64_t region_bytes = 0;  // DRAM distance between the job's tensors
  PerformanceWorkload perf;  // batch_tiles: the k used (a mesh's query_split_multicast: mesh_batch_tiles)
  // workload.batch_tiles auto: k from auto_batch_tiles (star_core/job_context.h) with these.
  bool batch_auto = false;
  std::uint64_t target_cells = 200000;
  std::uint32_t min_job_cells = 8;
  RowType data = RowType::mixed;
  std::uint64_t seed = 1;
  std::uint32_t batch = 1;
  TraceConfig trace;  // path left empty: the runner puts trace.vcd in the output folder
  std::string accuracy = "first_head";
  std::uint32_t accuracy_max_seq_len = 4096;
  std::string output_dir;
  // Spatial-STAR (mesh.enabled): the mesh (core and memory of every tile/controller as in `soc`),
  // the orchestrations to run in order, and the references to compare them with.
  bool mesh = false;
  MeshConfig mesh_config;
  std::vector<std::string> orchestrations;
  bool compare_baseline = false, compare_one_core = false;
  std::uint64_t mesh_region_bytes = 0;  // DRAM distance between a K/V group's tensors

  const Value& at(const std::string& key) const { return values.at(key); }
  // The k of orchestration `o` on the mesh: auto_batch_tiles(o, ...) when batch_tiles is auto,
  // else perf.batch_tiles.
  std::uint32_t mesh_batch_tiles(Orchestration o) const;
};

// Throws ScenarioError naming the file, line, column and key of each inconsistent value.
ResolvedScenario resolve(const Scenario& s);

// Every key as YAML (nested sections, schema order), loadable again to the same resolution.
std::string resolved_yaml(const ResolvedScenario& r, const std::string& header_comment);

// A value as the YAML text the loader reads back to the same value.
std::string value_text(const KeySpec& spec, const Value& v);

}  // namespace star
