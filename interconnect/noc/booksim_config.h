// The BookSim2 configuration that simulates the same network and traffic as a star-noc run, for
// validating the models against that reference cycle-level simulator (star-noc --booksim-config).
// BookSim2's input-queued router ("iq") with routing, VC-allocation, switch-allocation and
// switch-traversal delays summing to R, credits usable L + 1 + credit_delay cycles after the
// downstream switch allocation and body flits bypassing route computation and VC allocation
// times each hop as the flit model does with body_flit_bypass; what stays different (docs/noc.md,
// "Comparing with BookSim2"): its latency counts the injection and ejection channels (+3 cycles
// per packet), its uniform traffic and transpose include packets to the source itself, and its
// switch allocator's input stage picks among output ports rather than VCs.
#pragma once

#include <string>

#include "noc/noc_config.h"
#include "noc/synthetic_traffic.h"

namespace star {

// The configuration file's text for one injection rate (flits/node/cycle). Throws
// std::invalid_argument naming the setting BookSim2's mesh cannot reproduce: a mesh that is not
// square (k x k), links of other than 1 cycle, 1-stage routers, credit latency 0, routing other
// than XY, several VC classes, hotspot or nearest-neighbour traffic, and transpose or
// bit-complement traffic on a mesh whose side is not a power of two.
std::string booksim_config(const NocConfig& noc, const TrafficConfig& traffic, double rate);

}  // namespace star
