// A latency-throughput sweep: one synthetic-traffic run per injection rate on a fresh model,
// printed as a fixed-width table (star-noc, bench/noc) or CSV.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "noc/noc_config.h"
#include "noc/synthetic_traffic.h"

namespace star {

struct SweepPoint {
  double rate = 0;
  TrafficResult result;
};

std::vector<SweepPoint> run_latency_sweep(const NocConfig& noc, const TrafficConfig& traffic,
                                          const std::vector<double>& rates);

// "# <mesh, routing, fidelity, router and traffic settings>": the first line of a table.
std::string sweep_title(const NocConfig& noc, const TrafficConfig& traffic);

void print_latency_table(std::ostream& os, const NocConfig& noc, const TrafficConfig& traffic,
                         const std::vector<SweepPoint>& points);
void print_latency_csv(std::ostream& os, const std::vector<SweepPoint>& points);

}  // namespace star
