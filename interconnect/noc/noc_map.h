// Where the load sits: the mean buffered flits of every router and the busiest links of one
// synthetic-traffic run (its measurement window), as a text grid over the mesh (star-noc --map)
// or as long-format CSV for plots (star-noc --map-csv).
#pragma once

#include <iosfwd>
#include <string>

#include "noc/mesh_topology.h"
#include "noc/synthetic_traffic.h"

namespace star {

// A W x H grid of mean buffered flits per router (x across, y down), then the `top` busiest
// inter-router links and the busiest ejection port. `title` heads it ("# " + title).
void print_noc_map(std::ostream& os, const MeshTopology& mesh, const TrafficResult& result, const std::string& title,
                   uint32_t top = 5);

// Rows "label,rate,kind,node,x,y,port,to_x,to_y,value": kind "router" (value: mean buffered
// flits; port and to_* empty) or "link" (an output: flits per cycle; to_* the neighbour, empty
// for ejection). The header once, when `header`.
void print_noc_map_csv(std::ostream& os, const MeshTopology& mesh, const TrafficResult& result,
                       const std::string& label, double rate, bool header);

}  // namespace star
