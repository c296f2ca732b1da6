// Summary of one mesh run: per-core utilisation and load imbalance, NoC traffic, hot link and NoC
// energy, DRAM traffic per controller, throughput (tokens/s, GOPS).
#pragma once

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
  std::uint64_t packets = 0, flits = 0;
  double mean_link_utilisation = 0, hot_link_utilisation = 0;  // flits per cycle
  std::uint32_t hot_link_x = 0, hot_link_y = 0;                // router of the hot link (NoC grid)
  std::string hot_link_port;                                   // its output port
  double noc_energy_pj = 0;
  std::vector<std::uint64_t> controller_bytes;                 // read + written, per controller
  double tokens_per_s = 0;  // query tokens of the layer per second
  double gops = 0;          // 2 x MACs + other counted operations, per second (1e9)
};

MeshSummary summarise(const SpatialStar& mesh, const CoreJob& job, const MeshRunResult& run);
std::string to_text(const MeshSummary& s);

}  // namespace star
