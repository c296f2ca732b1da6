#include "mesh/mesh_report.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "noc/mesh_topology.h"

namespace star {

MeshSummary summarise(const SpatialStar& mesh, const CoreJob& job, const MeshRunResult& run) {
  MeshSummary s;
  s.makespan_s = run.makespan.to_seconds();
  double busy_sum = 0, busy_max = 0;
  for (const sc_core::sc_time& b : run.core_busy) {
    s.core_utilisation.push_back(s.makespan_s > 0 ? b.to_seconds() / s.makespan_s : 0);
    busy_sum += b.to_seconds();
    busy_max = std::max(busy_max, b.to_seconds());
  }
  const double n = static_cast<double>(run.core_busy.size());
  s.mean_utilisation = s.makespan_s > 0 ? busy_sum / n / s.makespan_s : 0;
  s.imbalance = busy_sum > 0 ? busy_max / (busy_sum / n) : 0;

  const NocConfig& noc = mesh.fabric.config();
  s.packets = run.noc.packets_delivered;
  s.flits = run.noc.flits_delivered;
  const auto cycles = static_cast<std::uint64_t>(s.makespan_s * noc.clock_ghz * 1e9);
  const MeshTopology topo{noc.width, noc.height};
  const LinkUtilisation u = link_utilisation(run.noc, noc.nodes(), cycles, topo);
  s.mean_link_utilisation = u.mean;
  s.hot_link_utilisation = u.max;
  s.hot_link_x = topo.x_of(u.max_node);
  s.hot_link_y = topo.y_of(u.max_node);
  static const char* const ports[] = {"local", "east", "west", "north", "south"};
  s.hot_link_port = ports[u.max_port < kNocPorts ? u.max_port : 0];
  s.noc_energy_pj = noc_energy(run.noc.energy, noc).total_pj();

  for (std::size_t m = 0; m < run.controller_bytes_read.size(); ++m)
    s.controller_bytes.push_back(run.controller_bytes_read[m] + run.controller_bytes_written[m]);
  if (s.makespan_s > 0) {
    s.tokens_per_s = job.queries() / s.makespan_s;
    const OpCounts& o = run.ops;
    const double ops = 2.0 * o.macs + o.adds + o.shifts + o.compares + o.exps + o.multiplies + o.divisions;
    s.gops = ops / s.makespan_s / 1e9;
  }
  return s;
}

std::string to_text(const MeshSummary& s) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "  makespan %.3f us, %.0f tokens/s, %.1f GOPS\n", s.makespan_s * 1e6,
                s.tokens_per_s, s.gops);
  out += line;
  std::snprintf(line, sizeof line, "  core utilisation mean %.1f %%, imbalance (max/mean busy) %.3f\n",
                100 * s.mean_utilisation, s.imbalance);
  out += line;
  std::snprintf(line, sizeof line,
                "  NoC %llu packets, %llu flits, links mean %.4f max %.4f flits/cycle (router %u,%u %s), "
                "%.3f uJ\n",
                static_cast<unsigned long long>(s.packets), static_cast<unsigned long long>(s.flits),
                s.mean_link_utilisation, s.hot_link_utilisation, s.hot_link_x, s.hot_link_y,
                s.hot_link_port.c_str(), s.noc_energy_pj * 1e-6);
  out += line;
  out += "  DRAM bytes per controller:";
  for (std::uint64_t b : s.controller_bytes) out += " " + std::to_string(b);
  out += "\n";
  return out;
}

}  // namespace star
