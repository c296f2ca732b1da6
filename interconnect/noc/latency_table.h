// A latency-throughput sweep: one synthetic-traffic run per injection rate on a fresh model,
// printed as a fixed-width table (star-noc, bench/noc) or CSV, and two sweeps of the same rates
// compared (star-noc --both: the packet model against the flit model).
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
// One row per rate, the fidelity first (rows of several sweeps go under one header: `header`
// false for the later ones).
void print_latency_csv(std::ostream& os, NocFidelity fidelity, const std::vector<SweepPoint>& points, bool header);
// Rate by rate, `packet` against `flit` (sweeps of the same rates, traffic and seed): the relative
// error of the mean and p99 latency, the accepted throughput and the mean router occupancy, and
// each run's CPU time with their ratio. Throws std::invalid_argument if the rates differ.
void print_fidelity_comparison(std::ostream& os, const std::vector<SweepPoint>& flit,
                               const std::vector<SweepPoint>& packet);

}  // namespace star
