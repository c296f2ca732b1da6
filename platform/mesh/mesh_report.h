// Summary and report of mesh runs: per-core utilisation and load imbalance, NoC traffic and hot
// link, DRAM traffic per controller, throughput (tokens/s, GOPS), energy (cores + NoC + DRAM) and
// the speedup of each orchestration over `baseline` and over one core when those were run.
// The report follows core_report's styles: a StatsRegistry (name, unit, description per
// statistic) written as JSON, one CSV row and a short table.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mesh/orchestration.h"

namespace star {

struct MeshSummary {
  double makespan_s = 0;
  std::vector<double> core_utilisation;  // busy / makespan, per core
  double mean_utilisation = 0;
  double imbalance = 0;                  // max busy / mean busy over all cores (1 = balanced)
  std::uint32_t active_cores = 0;        // cores that ran at least one job
  std::uint64_t packets = 0, flits = 0;
  // NoC messages per VC class (0: requests and writes; 1: responses and messages between cores)
  // and their mean latency, creation to reassembly, in NoC cycles.
  std::vector<std::uint64_t> class_messages;
  std::vector<double> class_latency_cycles;
  double mean_link_utilisation = 0, hot_link_utilisation = 0;  // flits per cycle
  std::uint32_t hot_link_x = 0, hot_link_y = 0;                // router of the hot link (NoC grid)
  std::string hot_link_port;                                   // its output port
  std::vector<std::uint64_t> controller_bytes;                 // read + written, per controller
  double tokens_per_s = 0;    // query tokens of the layer per second
  double gops = 0;            // executed operations (2 x MACs + other counted ones) per second / 1e9
  double effective_gops = 0;  // dense-equivalent attention operations per second / 1e9
  // Energy (J). Cores: the single-core EnergyModel (calibrated power, default tables) on each
  // core's busy time per stage over the makespan, summed; NoC: noc_energy of the run's events;
  // DRAM: per byte at the controllers (DRAM + memory interface) plus each controller's background.
  std::vector<double> core_energy_j;  // per core
  double cores_energy_j = 0, noc_energy_j = 0, dram_energy_j = 0;
  double device_energy_j = 0;  // cores + NoC + DRAM
};

MeshSummary summarise(const SpatialStar& mesh, const CoreJob& job, const MeshRunResult& run);
std::string to_text(const MeshSummary& s);

// One run of the layer on the mesh: an orchestration's name, or "one_core".
struct MeshRunEntry {
  std::string label;
  MeshSummary summary;
};

struct MeshReport {
  nlohmann::json json;
  std::string csv_header, csv_row;
  std::string table;
};

// Statistics "mesh.<label>.*" of every run, and the first run's also as "mesh.*" (the scenario's
// primary orchestration, what sweeps plot). Speedups over "baseline" / "one_core" appear when a
// run with that label is present. Throws std::invalid_argument for no runs or a repeated label.
MeshReport make_mesh_report(const std::vector<MeshRunEntry>& runs);

}  // namespace star
