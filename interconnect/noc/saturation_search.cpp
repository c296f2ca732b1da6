#include "noc/saturation_search.h"

#include <cstdio>
#include <ostream>
#include <sstream>
#include <string>
#include <stdexcept>

#include "noc/latency_table.h"
#include "noc/noc_model.h"

namespace star {

void SaturationSearch::validate() const {
  if (!(latency_factor > 1.0)) throw std::invalid_argument("saturation search: latency_factor must be > 1");
  if (!(resolution > 0.0 && resolution < 0.5))
    throw std::invalid_argument("saturation search: resolution must be in (0, 0.5) flits/node/cycle");
  if (!(zero_load_rate > 0.0 && zero_load_rate < 1.0))
    throw std::invalid_argument("saturation search: zero_load_rate must be in (0, 1) flits/node/cycle");
}

SaturationResult find_saturation(const NocConfig& noc, const TrafficConfig& traffic, const SaturationSearch& search) {
  search.validate();
  noc.validate();
  traffic.validate(noc);
  SaturationResult out;
  auto run_at = [&](double rate) {
    TrafficConfig t = traffic;
    t.injection_rate = rate;
    auto model = make_noc_model(noc);
    ++out.runs;
    return run_synthetic_traffic(*model, t);
  };
  const TrafficResult zero = run_at(search.zero_load_rate);
  if (zero.saturated || zero.packet_latency.count == 0)
    throw std::invalid_argument("saturation search: the zero-load run at " + std::to_string(search.zero_load_rate) +
                                " flits/node/cycle measured no drained packets (lengthen --measure or --drain-limit)");
  out.zero_load_latency = zero.packet_latency.mean;
  const double threshold = search.latency_factor * out.zero_load_latency;
  auto past_knee = [&](const TrafficResult& r) { return r.saturated || r.packet_latency.mean > threshold; };
  const TrafficResult full = run_at(1.0);
  out.saturation_throughput = full.accepted;
  out.saturation_offered = full.offered;
  if (!past_knee(full)) {
    out.below_knee_rate = 1.0;
    return out;
  }
  // Bracket (lo, hi]: lo below the knee (the zero-load run is, by definition), hi past it.
  double lo = search.zero_load_rate, hi = 1.0;
  TrafficResult at_hi = full;
  while (hi - lo > search.resolution) {
    const double mid = 0.5 * (lo + hi);
    const TrafficResult r = run_at(mid);
    if (past_knee(r)) {
      hi = mid;
      at_hi = r;
    } else {
      lo = mid;
    }
  }
  out.knee_found = true;
  out.knee_rate = hi;
  out.knee = at_hi;
  out.below_knee_rate = lo;
  return out;
}

void print_saturation(std::ostream& os, const NocConfig& noc, const TrafficConfig& traffic, const SaturationSearch& search,
                      const SaturationResult& r) {
  char line[320];
  os << sweep_title(noc, traffic) << '\n';
  std::snprintf(line, sizeof line, "zero-load latency      %.2f cycles (injection rate %.3f)\n", r.zero_load_latency,
                search.zero_load_rate);
  os << line;
  std::snprintf(line, sizeof line,
                "saturation throughput  %.3f flits/node/cycle accepted (injection rate 1.000, offered %.3f)\n",
                r.saturation_throughput, r.saturation_offered);
  os << line;
  if (r.knee_found) {
    // A knee run that gave up before any measured packet drained has no mean latency: "-", not a
    // 0 that reads as a measurement.
    char latency[96] = "mean latency -, no measured packet delivered";
    if (r.knee.packet_latency.count > 0)
      std::snprintf(latency, sizeof latency, "mean latency %.2f, %s%.1f x zero-load", r.knee.packet_latency.mean,
                    r.knee.saturated ? "measured packets not drained, " : "",
                    r.knee.packet_latency.mean / r.zero_load_latency);
    std::snprintf(line, sizeof line,
                  "latency knee           injection rate %.3f, offered %.3f (%s; accepted %.3f), %.0f %% of "
                  "saturation; below it at %.3f\n",
                  r.knee_rate, r.knee.offered, latency, r.knee.accepted,
                  r.saturation_throughput > 0 ? 100.0 * r.knee.offered / r.saturation_throughput : 0.0,
                  r.below_knee_rate);
  } else {
    std::snprintf(line, sizeof line,
                  "latency knee           none up to injection rate 1.000 (mean latency stays below %.1f x zero-load)\n",
                  search.latency_factor);
  }
  os << line;
  std::snprintf(line, sizeof line, "# %d runs; knee: mean latency > %.1f x zero-load or measured packets not drained, "
                "bisection to %.3f flits/node/cycle\n", r.runs, search.latency_factor, search.resolution);
  os << line;
}

namespace {
// The knee's mean latency as a CSV field: empty when there is no knee or its run delivered no
// measured packet (as the latency table's CSV leaves it).
std::string latency_field(const SaturationResult& r) {
  if (!r.knee_found || r.knee.packet_latency.count == 0) return "";
  std::ostringstream field;
  field << r.knee.packet_latency.mean;
  return field.str();
}
}  // namespace

void print_saturation_csv(std::ostream& os, const NocConfig& noc, const SaturationResult& r, bool header) {
  if (header)
    os << "fidelity,zero_load_latency,saturation_throughput,saturation_offered,knee_found,knee_rate,knee_offered,"
          "knee_latency,knee_accepted,below_knee_rate,runs\n";
  os << to_string(noc.fidelity) << ',' << r.zero_load_latency << ',' << r.saturation_throughput << ','
     << r.saturation_offered << ',' << (r.knee_found ? 1 : 0) << ',' << r.knee_rate << ',' << r.knee.offered << ','
     << latency_field(r) << ',' << r.knee.accepted << ',' << r.below_knee_rate << ',' << r.runs << '\n';
}

}  // namespace star
