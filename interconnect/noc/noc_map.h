// Where the load sits: the mean buffered flits of every router, the busiest links and the mean
// packet latency per source of one synthetic-traffic run (its measurement window), as text grids
// over the mesh (star-noc --map) or as long-format CSV for plots (star-noc --map-csv).
#pragma once

#include <iosfwd>
#include <string>

#include "noc/mesh_topology.h"
#include "noc/synthetic_traffic.h"

namespace star {

// A W x H grid of mean buffered flits per router (x across, y down), then the `top` busiest
// inter-router links and the busiest ejection port, then (when the run kept it:
// TrafficConfig::source_latency) a grid of the mean packet latency per source node. `title`
// heads each grid ("# " + title).
void print_noc_map(std::ostream& os, const MeshTopology& mesh, const TrafficResult& result, const std::string& title,
                   uint32_t top = 5);

// Rows "label,rate,kind,node,x,y,port,to_x,to_y,value": kind "router" (value: mean buffered
// flits; port and to_* empty), "link" (an output: flits per cycle; to_* the neighbour, empty
// for ejection), and when the run kept them "source_latency" (mean latency in cycles of the
// measured packets the node sent; empty if none) and "source_packets" (how many). The header
// once, when `header`.
void print_noc_map_csv(std::ostream& os, const MeshTopology& mesh, const TrafficResult& result,
                       const std::string& label, double rate, bool header);

}  // namespace star
