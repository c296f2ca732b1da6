#include "noc/noc_stats.h"

#include "noc/mesh_topology.h"

namespace star {

NocEnergyCounts NocEnergyCounts::operator-(const NocEnergyCounts& o) const {
  return {buffer_writes - o.buffer_writes, buffer_reads - o.buffer_reads, crossbar - o.crossbar,
          routing - o.routing, link_flits - o.link_flits};
}

NocEnergyBreakdown noc_energy(const NocEnergyCounts& counts, const NocConfig& config) {
  const NocEnergyTable& t = config.energy;
  const double scale = config.flit_bits / 32.0;  // the table is per 32-bit flit
  NocEnergyBreakdown e;
  e.buffer_pj = scale * (counts.buffer_writes * t.buffer_push_pj_per_32b +
                         counts.buffer_reads * t.buffer_pop_pj_per_32b);
  e.crossbar_pj = scale * counts.crossbar * t.crossbar_pj_per_32b;
  e.routing_pj = counts.routing * t.routing_pj_per_head;
  e.link_pj = double(counts.link_flits) * config.flit_bits * t.link_pj_per_bit_mm * t.link_length_mm;
  return e;
}

NocStats NocStats::since(const NocStats& earlier) const {
  NocStats d = *this;
  d.cycle = cycle - earlier.cycle;
  d.packets_injected -= earlier.packets_injected;
  d.packets_delivered -= earlier.packets_delivered;
  d.flits_injected -= earlier.flits_injected;
  d.flits_delivered -= earlier.flits_delivered;
  d.buffer_overflows -= earlier.buffer_overflows;
  d.energy = energy - earlier.energy;
  for (size_t i = 0; i < d.link_flits.size() && i < earlier.link_flits.size(); ++i)
    d.link_flits[i] -= earlier.link_flits[i];
  for (size_t i = 0; i < d.occupancy_flit_cycles.size() && i < earlier.occupancy_flit_cycles.size(); ++i)
    d.occupancy_flit_cycles[i] -= earlier.occupancy_flit_cycles[i];
  return d;
}

LinkUtilisation link_utilisation(const NocStats& interval, uint32_t nodes, uint64_t cycles,
                                 const MeshTopology& mesh) {
  return link_utilisation(std::vector<double>(interval.link_flits.begin(), interval.link_flits.end()), nodes, cycles,
                          mesh);
}

LinkUtilisation link_utilisation(const std::vector<double>& link_flits, uint32_t nodes, uint64_t cycles,
                                 const MeshTopology& mesh) {
  LinkUtilisation u;
  if (cycles == 0) return u;
  double sum = 0;
  uint32_t links = 0;
  for (uint32_t n = 0; n < nodes; ++n) {
    for (uint8_t p = 1; p < kNocPorts; ++p) {
      if (!mesh.has_neighbour(n, p)) continue;
      const size_t i = size_t(n) * kNocPorts + p;
      const double util = i < link_flits.size() ? link_flits[i] / double(cycles) : 0.0;
      sum += util;
      ++links;
      if (util > u.max) {
        u.max = util;
        u.max_node = n;
        u.max_port = p;
      }
    }
  }
  u.mean = links ? sum / links : 0.0;
  return u;
}

double mean_router_occupancy(const NocStats& interval, uint64_t cycles) {
  if (cycles == 0 || interval.occupancy_flit_cycles.empty()) return 0.0;
  double sum = 0;
  for (uint64_t v : interval.occupancy_flit_cycles) sum += double(v);
  return sum / cycles / interval.occupancy_flit_cycles.size();
}

}  // namespace star
