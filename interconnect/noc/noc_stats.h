// Counters both NoC fidelities keep: traffic in/out, per-link flits, buffer occupancy and the
// action counts that energy is computed from (STAR-SPEC section 6).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_config.h"

namespace star {

struct NocEnergyCounts {
  uint64_t buffer_writes = 0;  // flits pushed into an input buffer
  uint64_t buffer_reads = 0;   // flits popped from an input buffer
  uint64_t crossbar = 0;       // flits through a crossbar
  uint64_t routing = 0;        // route computations (one per head flit per router)
  uint64_t link_flits = 0;     // flits over inter-router links

  NocEnergyCounts operator-(const NocEnergyCounts& o) const;
  // A packet of `flits` flits over a minimal path of `hops` links: every router on it buffers,
  // switches and routes it once.
  void add_minimal_path(uint64_t flits, uint32_t hops) {
    routing += hops + 1;
    buffer_writes += flits * (hops + 1);
    buffer_reads += flits * (hops + 1);
    crossbar += flits * (hops + 1);
    link_flits += flits * hops;
  }
  // One router of that path: it routes the packet once and buffers and switches its flits, which
  // leave over a link unless the router ejects them.
  void add_router(uint64_t flits, bool onto_link) {
    routing += 1;
    buffer_writes += flits;
    buffer_reads += flits;
    crossbar += flits;
    link_flits += onto_link ? flits : 0;
  }
};

struct NocEnergyBreakdown {
  double buffer_pj = 0, crossbar_pj = 0, routing_pj = 0, link_pj = 0;
  double total_pj() const { return buffer_pj + crossbar_pj + routing_pj + link_pj; }
};

NocEnergyBreakdown noc_energy(const NocEnergyCounts& counts, const NocConfig& config);

struct NocStats {
  uint64_t cycle = 0;               // cycle the snapshot was taken
  uint64_t packets_injected = 0;    // accepted by inject()
  uint64_t packets_delivered = 0;
  uint64_t flits_injected = 0;      // flits that entered the network (left the source queue)
  uint64_t flits_delivered = 0;
  uint64_t buffer_overflows = 0;    // writes into a full VC buffer: must stay 0 (credit check)
  uint32_t max_vc_occupancy = 0;    // most flits ever in one VC buffer
  NocEnergyCounts energy;
  // Flits sent on each output link, indexed node * kNocPorts + port (local port = ejection).
  std::vector<uint64_t> link_flits;
  // The same, only the flits sent in the cycles of the window NocModel::count_window set (a flit
  // counts in the cycle it wins the switch), however far ahead the model times them: a model that
  // times a hop's flits together spreads them over the cycles the hop takes. Empty without a
  // window; not touched by since().
  std::vector<double> window_link_flits;
  // Time integral of buffered flits per router (flit-cycles): a flit is counted from the cycle it
  // is sent towards a router's buffer (or written by the interface) to its switch allocation
  // there. The flit model counts cycle by cycle; the packet engines count each flit's whole stay
  // when they time it (the packet model at injection). docs/noc.md, "Buffer occupancy".
  std::vector<uint64_t> occupancy_flit_cycles;

  // Counters accumulated between `earlier` and this snapshot.
  NocStats since(const NocStats& earlier) const;
};

// Per-link utilisation summary of a stats interval (flits per cycle on inter-router links).
struct LinkUtilisation {
  double mean = 0, max = 0;
  uint32_t max_node = 0;
  uint8_t max_port = 0;
};
LinkUtilisation link_utilisation(const NocStats& interval, uint32_t nodes, uint64_t cycles,
                                 const MeshTopology& mesh);
// The same from flits per output link ([node * kNocPorts + port], e.g. NocStats::window_link_flits).
LinkUtilisation link_utilisation(const std::vector<double>& link_flits, uint32_t nodes, uint64_t cycles,
                                 const MeshTopology& mesh);

// Mean buffered flits per router over an interval.
double mean_router_occupancy(const NocStats& interval, uint64_t cycles);

}  // namespace star
