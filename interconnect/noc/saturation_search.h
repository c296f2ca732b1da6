// Where a network saturates, found by runs of synthetic traffic instead of read off a sweep: the
// zero-load latency (a run at a low rate), the saturation throughput (the flits per node and cycle
// the network accepts when every node offers one flit per cycle) and the latency knee, the lowest
// offered rate whose mean latency exceeds `latency_factor` x the zero-load latency or whose
// measured packets do not drain, by bisection (star-noc --saturation).
#pragma once

#include <iosfwd>

#include "noc/noc_config.h"
#include "noc/synthetic_traffic.h"

namespace star {

struct SaturationSearch {
  double latency_factor = 3.0;  // the knee: mean latency above this times the zero-load latency
  double resolution = 0.005;    // flits/node/cycle: the bisection stops when the bracket is this narrow
  double zero_load_rate = 0.01; // offered rate of the zero-load run
  void validate() const;
};

struct SaturationResult {
  double zero_load_latency = 0;     // mean packet latency at zero_load_rate (cycles)
  double saturation_throughput = 0; // accepted flits/node/cycle at injection rate 1.0
  double saturation_offered = 0;    // ... and offered there (less than 1 where a pattern leaves nodes silent)
  bool knee_found = false;          // false: even offered 1.0 stays below the threshold and drains
  double knee_rate = 0;             // lowest injection rate found past the knee (within resolution)
  TrafficResult knee;               // the run at knee_rate (when found)
  double below_knee_rate = 0;       // the highest rate found below it
  int runs = 0;                     // synthetic-traffic runs made
};

// `traffic`'s injection rate is ignored; every run is a fresh model of `noc`. Throws
// std::invalid_argument for bad settings (SaturationSearch::validate, TrafficConfig::validate).
SaturationResult find_saturation(const NocConfig& noc, const TrafficConfig& traffic,
                                 const SaturationSearch& search = SaturationSearch{});

// The run's title line (as the latency table's), then the zero-load latency, the saturation
// throughput and the knee, one per line; or one CSV row (the header first when `header`).
void print_saturation(std::ostream& os, const NocConfig& noc, const TrafficConfig& traffic, const SaturationSearch& search,
                      const SaturationResult& result);
void print_saturation_csv(std::ostream& os, const NocConfig& noc, const SaturationResult& result, bool header);

}  // namespace star
