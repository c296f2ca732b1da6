#include "noc/latency_table.h"

#include <cstdio>
#include <ostream>

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
  char line[256];
  std::snprintf(line, sizeof line,
                "# %ux%u mesh, %s routing, %s fidelity%s, %u VCs x %u flits, %u-stage routers, link %u, "
                "%u-bit flits; %s traffic, %u-flit packets, seed %llu",
                noc.width, noc.height, to_string(noc.routing).c_str(), to_string(noc.fidelity).c_str(),
                noc.fidelity != NocFidelity::Packet ? ""
                : noc.packet_exact_wormhole       ? " (exact wormhole)"
                : noc.packet_router_detail && noc.vcs_per_class() > 1 ? " (router detail)"
                                                                      : "",
                noc.num_vcs, noc.vc_buffer_flits, noc.router_stages, noc.link_latency, noc.flit_bits,
                to_string(t.pattern).c_str(), t.packet_flits, static_cast<unsigned long long>(t.seed));
  return line;
}

void print_latency_table(std::ostream& os, const NocConfig& noc, const TrafficConfig& t,
                         const std::vector<SweepPoint>& points) {
  char line[256];
  os << sweep_title(noc, t) << '\n';
  os << "#  offered accepted  lat_mean   lat_p50   lat_p99 head_mean  hops link_max   occ  pJ/flit  sat\n";
  for (const SweepPoint& p : points) {
    const TrafficResult& r = p.result;
    std::snprintf(line, sizeof line,
                  "  %8.3f %8.3f %9.2f %9.1f %9.1f %9.2f %5.2f %8.3f %5.2f %8.2f  %s\n", r.offered,
                  r.accepted, r.packet_latency.mean, r.packet_latency.p50, r.packet_latency.p99,
                  r.head_latency.mean, r.mean_hops, r.link_util_max, r.router_occupancy,
                  r.energy_pj_per_flit, r.saturated ? "yes" : "no");
    os << line;
  }
}

void print_latency_csv(std::ostream& os, const std::vector<SweepPoint>& points) {
  os << "rate,offered,accepted,lat_mean,lat_p50,lat_p95,lat_p99,head_mean,hops,link_util_mean,"
        "link_util_max,router_occupancy,pj_per_flit,saturated\n";
  for (const SweepPoint& p : points) {
    const TrafficResult& r = p.result;
    os << p.rate << ',' << r.offered << ',' << r.accepted << ',' << r.packet_latency.mean << ','
       << r.packet_latency.p50 << ',' << r.packet_latency.p95 << ',' << r.packet_latency.p99 << ','
       << r.head_latency.mean << ',' << r.mean_hops << ',' << r.link_util_mean << ',' << r.link_util_max
       << ',' << r.router_occupancy << ',' << r.energy_pj_per_flit << ',' << (r.saturated ? 1 : 0) << '\n';
  }
}

}  // namespace star
