#include "noc/latency_table.h"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

#include "noc/noc_model.h"

namespace star {

std::vector<SweepPoint> run_latency_sweep(const NocConfig& noc, const TrafficConfig& traffic,
                                          const std::vector<double>& rates) {
  std::vector<SweepPoint> points;
  for (double rate : rates) {
    TrafficConfig t = traffic;
    t.injection_rate = rate;
    auto model = make_noc_model(noc);
    points.push_back(SweepPoint{rate, run_synthetic_traffic(*model, t)});
  }
  return points;
}

std::string sweep_title(const NocConfig& noc, const TrafficConfig& t) {
  // "8-flit packets", or "packets of 1 or 16 flits" (of 1, 4 or 16 ...) for mixed lengths
  std::string lengths = std::to_string(t.packet_flits) + "-flit packets";
  if (!t.packet_flits_mix.empty()) {
    lengths = "packets of ";
    for (size_t i = 0; i < t.packet_flits_mix.size(); ++i)
      lengths += (i == 0 ? "" : i + 1 == t.packet_flits_mix.size() ? " or " : ", ") + std::to_string(t.packet_flits_mix[i]);
    lengths += " flits";
    if (t.request_response) lengths += " (the shortest requests in class 0, the others responses in class 1)";
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "# %ux%u %s, %s routing, %s fidelity%s, %u VCs x %u flits, %u-stage routers%s, link %u, "
                "%u-bit flits; %s traffic%s, %s, seed %llu",
                noc.width, noc.height, to_string(noc.topology).c_str(), to_string(noc.routing).c_str(), to_string(noc.fidelity).c_str(),
                noc.fidelity != NocFidelity::Packet ? ""
                : noc.packet_exact_wormhole       ? " (exact wormhole)"
                : noc.packet_router_detail && noc.vcs_per_class() > 1 ? " (router detail)"
                                                                      : "",
                noc.num_vcs, noc.vc_buffer_flits, noc.router_stages, noc.body_flit_bypass ? "" : " (no body-flit bypass)",
                noc.link_latency, noc.flit_bits,
                to_string(t.pattern).c_str(), t.self_traffic ? " (self included)" : "", lengths.c_str(),
                static_cast<unsigned long long>(t.seed));
  return line;
}

namespace {
// A latency column: "-" (text) or an empty field (CSV) when no measured packet was delivered (a
// saturated run that gave up before any drained), rather than a 0 that reads as a measurement.
std::string column(bool measured, const char* format, double value) {
  if (!measured) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}
}  // namespace

void print_latency_table(std::ostream& os, const NocConfig& noc, const TrafficConfig& t,
                         const std::vector<SweepPoint>& points) {
  char line[256];
  os << sweep_title(noc, t) << '\n';
  os << "#  offered accepted  lat_mean   lat_p50   lat_p99 head_mean  hops link_max   occ  pJ/flit  sat\n";
  bool unmeasured = false;
  for (const SweepPoint& p : points) {
    const TrafficResult& r = p.result;
    const bool m = r.packet_latency.count > 0;
    unmeasured = unmeasured || !m;
    std::snprintf(line, sizeof line, "  %8.3f %8.3f %9s %9s %9s %9s %5s %8.3f %5.2f %8.2f  %s\n", r.offered,
                  r.accepted, column(m, "%.2f", r.packet_latency.mean).c_str(),
                  column(m, "%.1f", r.packet_latency.p50).c_str(), column(m, "%.1f", r.packet_latency.p99).c_str(),
                  column(m, "%.2f", r.head_latency.mean).c_str(), column(m, "%.2f", r.mean_hops).c_str(),
                  r.link_util_max, r.router_occupancy, r.energy_pj_per_flit, r.saturated ? "yes" : "no");
    os << line;
  }
  if (unmeasured)
    os << "# -: no measured packet was delivered (none was created in the measurement window, or none drained\n"
          "# before the drain limit): a longer --measure or --drain-limit measures latency there\n";
}

void print_latency_csv(std::ostream& os, NocFidelity fidelity, const std::vector<SweepPoint>& points, bool header) {
  if (header)
    os << "fidelity,rate,offered,accepted,lat_mean,lat_p50,lat_p95,lat_p99,head_mean,hops,link_util_mean,"
        "link_util_max,router_occupancy,pj_per_flit,saturated\n";
  const std::string label = to_string(fidelity);
  for (const SweepPoint& p : points) {
    const TrafficResult& r = p.result;
    os << label << ',' << p.rate << ',' << r.offered << ',' << r.accepted << ',';
    if (r.packet_latency.count > 0)
      os << r.packet_latency.mean << ',' << r.packet_latency.p50 << ',' << r.packet_latency.p95 << ','
         << r.packet_latency.p99 << ',' << r.head_latency.mean << ',' << r.mean_hops << ',';
    else
      os << ",,,,,,";  // no measured packet delivered: empty latency fields
    os << r.link_util_mean << ',' << r.link_util_max << ',' << r.router_occupancy << ',' << r.energy_pj_per_flit << ','
       << (r.saturated ? 1 : 0) << '\n';
  }
}

namespace {
// (b - a) / a in per cent, to 0.1 (no "-0.0"); "-" when a is 0 or either was not measured.
std::string relative_error(double a, double b, bool measured = true) {
  if (a == 0 || !measured) return "-";
  double e = 100.0 * (b - a) / a;
  if (std::fabs(e) < 0.05) e = 0.0;
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", e);
  return text;
}
}  // namespace

void print_fidelity_comparison(std::ostream& os, const std::vector<SweepPoint>& flit,
                               const std::vector<SweepPoint>& packet) {
  if (flit.size() != packet.size()) throw std::invalid_argument("print_fidelity_comparison: sweeps of different lengths");
  for (size_t i = 0; i < flit.size(); ++i)
    if (flit[i].rate != packet[i].rate) throw std::invalid_argument("print_fidelity_comparison: sweeps of different rates");
  os << "# packet vs flit, same rates and seed: error = (packet - flit) / flit; cpu = each run's CPU seconds\n";
  os << "#  offered  flit_lat   pkt_lat   lat_err   p99_err   acc_err   occ_err  flit_cpu   pkt_cpu  speedup  sat\n";
  bool any_saturated = false, short_runs = false;
  for (size_t i = 0; i < flit.size(); ++i) {
    const TrafficResult& f = flit[i].result;
    const TrafficResult& p = packet[i].result;
    const bool saturated = f.saturated || p.saturated;
    any_saturated = any_saturated || saturated;
    short_runs = short_runs || p.cpu_seconds < 0.01;
    char speedup[32] = "-";
    if (p.cpu_seconds > 0) std::snprintf(speedup, sizeof speedup, "%.1fx", f.cpu_seconds / p.cpu_seconds);
    char line[256];
    const bool fm = f.packet_latency.count > 0, pm = p.packet_latency.count > 0;
    std::snprintf(line, sizeof line, "  %8.3f %9s %9s %9s %9s %9s %9s %9.4f %9.4f %8s  %s\n", f.offered,
                  column(fm, "%.2f", f.packet_latency.mean).c_str(), column(pm, "%.2f", p.packet_latency.mean).c_str(),
                  relative_error(f.packet_latency.mean, p.packet_latency.mean, fm && pm).c_str(),
                  relative_error(f.packet_latency.p99, p.packet_latency.p99, fm && pm).c_str(),
                  relative_error(f.accepted, p.accepted).c_str(),
                  relative_error(f.router_occupancy, p.router_occupancy).c_str(), f.cpu_seconds, p.cpu_seconds, speedup,
                  !saturated ? "no" : f.saturated && p.saturated ? "both" : f.saturated ? "flit" : "packet");
    os << line;
  }
  if (any_saturated)
    os << "# sat: the measured packets of that fidelity did not drain; past saturation latency grows with the run's\n"
          "# length, so its error there says little (compare accepted throughput instead)\n";
  if (short_runs)
    os << "# a packet run under 10 ms times poorly (set-up and noise): for speed use a longer --measure or\n"
          "# bench_noc --speed\n";
}

}  // namespace star
