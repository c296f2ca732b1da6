// Per-router occupancy and per-link utilisation of a synthetic-traffic run (TrafficResult's maps)
// and their reports (noc_map): consistent with the run's summary numbers, the load where the
// traffic puts it, and the text grid and CSV laid out over the mesh.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "noc/noc_map.h"
#include "noc/noc_model.h"
#include "noc/synthetic_traffic.h"

using namespace star;

namespace {

TrafficResult hotspot_run(NocFidelity f, bool source_latency = false) {
  NocConfig c;  // 4x4
  c.fidelity = f;
  TrafficConfig t;
  t.source_latency = source_latency;
  t.pattern = TrafficPattern::Hotspot;
  t.hotspot_node = 5;  // (1,1)
  t.hotspot_fraction = 0.5;
  t.injection_rate = 0.08;
  t.warmup_cycles = 500;
  t.measure_cycles = 4000;
  auto m = make_noc_model(c);
  return run_synthetic_traffic(*m, t);
}

}  // namespace

TEST_CASE("traffic maps: per router and per link, consistent with the summary, and the hotspot stands out", "[noc]") {
  const MeshTopology mesh{4, 4};
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    const TrafficResult r = hotspot_run(f);
    INFO(to_string(f) << " fidelity");
    REQUIRE_FALSE(r.saturated);
    REQUIRE(r.router_occupancy_map.size() == 16);
    REQUIRE(r.link_utilisation_map.size() == 16 * kNocPorts);
    const double mean = std::accumulate(r.router_occupancy_map.begin(), r.router_occupancy_map.end(), 0.0) / 16;
    CHECK(mean == Approx(r.router_occupancy));
    double link_max = 0;
    size_t busiest_eject = 0;
    for (uint32_t n = 0; n < 16; ++n) {
      for (uint8_t p = 1; p < kNocPorts; ++p) {
        if (!mesh.has_neighbour(n, p)) CHECK(r.link_utilisation_map[n * kNocPorts + p] == 0.0);
        else link_max = std::max(link_max, r.link_utilisation_map[n * kNocPorts + p]);
      }
      if (r.link_utilisation_map[n * kNocPorts] > r.link_utilisation_map[busiest_eject * kNocPorts]) busiest_eject = n;
    }
    CHECK(link_max == Approx(r.link_util_max));
    // Half the packets go to node 5: its ejection carries about half the accepted flits of the
    // mesh (16 x 0.08 / 2 = 0.64 flits/cycle), and its router holds the most flits.
    CHECK(busiest_eject == 5);
    CHECK(r.link_utilisation_map[5 * kNocPorts] == Approx(16 * r.accepted / 2).epsilon(0.1));
    CHECK(std::max_element(r.router_occupancy_map.begin(), r.router_occupancy_map.end()) -
              r.router_occupancy_map.begin() == 5);

    std::ostringstream text;
    print_noc_map(text, mesh, r, "hotspot", 3);
    const std::string s = text.str();
    CHECK(s.rfind("# hotspot: mean buffered flits per router (x across, y down)\n", 0) == 0);
    CHECK(std::count(s.begin(), s.end(), '\n') == 1 + 1 + 4 + 1);  // title, x labels, 4 rows, links
    CHECK(s.find("\n  y3 ") != std::string::npos);
    CHECK(s.find("busiest ejection (1,1) ") != std::string::npos);
    // Three links listed, the busiest first: into (1,1) from a neighbour.
    const size_t links = s.find("# busiest links (flits/cycle): ");
    REQUIRE(links != std::string::npos);
    CHECK(std::count(s.begin() + long(links), s.end(), '>') == 3);
    CHECK(s.find("->(1,1) ", links) < s.find(", ", links));

    std::ostringstream csv;
    print_noc_map_csv(csv, mesh, r, "x", 0.08, true);
    const std::string c = csv.str();
    // Header, then per router one row and one per output (ejection and each mesh neighbour):
    // 16 routers, 16 ejections, 48 directed links.
    CHECK(std::count(c.begin(), c.end(), '\n') == 1 + 16 + 16 + 48);
    CHECK(c.find("x,0.08,link,5,1,1,local,,,") != std::string::npos);
    CHECK(c.find("x,0.08,link,0,0,0,east,1,0,") != std::string::npos);
    CHECK(c.find("x,0.08,link,0,0,0,west") == std::string::npos);  // no link off the mesh
  }
}

TEST_CASE("traffic map of a single router: no links", "[noc]") {
  // (Synthetic traffic needs two nodes; the report takes any mesh, and empty maps read as 0.)
  std::ostringstream text;
  print_noc_map(text, MeshTopology{1, 1}, TrafficResult{}, "one");
  CHECK(text.str() ==
        "# one: mean buffered flits per router (x across, y down)\n"
        "            x0\n"
        "  y0      0.00\n"
        "# busiest links (flits/cycle): none (one router); busiest ejection (0,0) 0.000\n");
}

TEST_CASE("traffic maps: mean packet latency per source, consistent with the summary and by hand", "[noc]") {
  const MeshTopology mesh{4, 4};
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    INFO(to_string(f) << " fidelity");
    CHECK(hotspot_run(f).source_latency_map.empty());  // kept only when asked for
    const TrafficResult r = hotspot_run(f, true);
    REQUIRE(r.source_latency_map.size() == 16);
    REQUIRE(r.source_packets_map.size() == 16);
    // Weighted by the packets each source sent: the run's mean latency over all measured packets.
    uint64_t packets = 0;
    double sum = 0;
    for (uint32_t n = 0; n < 16; ++n) {
      packets += r.source_packets_map[n];
      sum += r.source_latency_map[n] * double(r.source_packets_map[n]);
    }
    CHECK(packets == r.packet_latency.count);
    CHECK(sum / double(packets) == Approx(r.packet_latency.mean));

    std::ostringstream text;
    print_noc_map(text, mesh, r, "hotspot", 3);
    const std::string s = text.str();
    const size_t grid = s.find("# hotspot: mean packet latency per source (cycles; x across, y down; - sent no measured packet)\n");
    REQUIRE(grid != std::string::npos);
    CHECK(std::count(s.begin() + long(grid), s.end(), '\n') == 1 + 1 + 4);
    std::ostringstream csv;
    print_noc_map_csv(csv, mesh, r, "x", 0.08, true);
    const std::string c = csv.str();
    CHECK(std::count(c.begin(), c.end(), '\n') == 1 + 16 + 16 + 48 + 16 + 16);
    CHECK(c.find("x,0.08,source_packets,5,1,1,,,," + std::to_string(r.source_packets_map[5]) + "\n") != std::string::npos);
  }
}

TEST_CASE("traffic maps: per-source latency at zero load equals the path's pipeline, and a silent source shows -",
          "[noc]") {
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    INFO(to_string(f) << " fidelity");
    TrafficConfig t;
    t.injection_rate = 0.01;  // 1-flit packets on paths that share no link: no packet waits
    t.source_latency = true;
    {  // 2x1: each node sends to the other, one hop: 2 * 4 + 1 = 9 cycles
      NocConfig c;
      c.fidelity = f;
      c.width = 2;
      c.height = 1;
      auto m = make_noc_model(c);
      const TrafficResult r = run_synthetic_traffic(*m, t);
      CHECK(r.source_latency_map == std::vector<double>{9.0, 9.0});
      CHECK(r.source_packets_map[0] > 10);
    }
    {  // 2x2 transpose: (1,0) and (0,1) swap packets over 2 hops (3 * 4 + 2 = 14 cycles), the
       // diagonal sends none
      NocConfig c;
      c.fidelity = f;
      c.width = 2;
      c.height = 2;
      t.pattern = TrafficPattern::Transpose;
      auto m = make_noc_model(c);
      const TrafficResult r = run_synthetic_traffic(*m, t);
      CHECK(std::isnan(r.source_latency_map[0]));
      CHECK(r.source_latency_map[1] == 14.0);
      CHECK(r.source_latency_map[2] == 14.0);
      CHECK(std::isnan(r.source_latency_map[3]));
      CHECK(r.source_packets_map[0] == 0);
      std::ostringstream text, csv;
      print_noc_map(text, MeshTopology{2, 2}, r, "t");
      CHECK(text.str().find("  y0         -    14.0\n  y1      14.0       -\n") != std::string::npos);
      print_noc_map_csv(csv, MeshTopology{2, 2}, r, "t", 0.01, false);
      CHECK(csv.str().find("t,0.01,source_latency,0,0,0,,,,\nt,0.01,source_packets,0,0,0,,,,0\n") != std::string::npos);
    }
  }
}
