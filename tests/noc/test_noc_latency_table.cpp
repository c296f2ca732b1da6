// The sweep reports of star-noc (latency_table): CSV rows of several fidelities under one header,
// and --both's comparison of the packet model with the flit model, checked on results whose
// errors are known by hand and on two real sweeps.
#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "noc/latency_table.h"

using namespace star;

namespace {

SweepPoint point(double rate, double latency, double p99, double accepted, double occupancy, double cpu,
                 bool saturated = false) {
  SweepPoint p;
  p.rate = rate;
  p.result.offered = rate;
  p.result.accepted = accepted;
  p.result.packet_latency.count = latency > 0 ? 1000 : 0;  // no measured packet delivered: latency 0
  p.result.packet_latency.mean = latency;
  p.result.packet_latency.p99 = p99;
  p.result.router_occupancy = occupancy;
  p.result.cpu_seconds = cpu;
  p.result.saturated = saturated;
  return p;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("fidelity comparison: errors, speedup and saturation rate by rate", "[noc]") {
  const std::vector<SweepPoint> flit{point(0.1, 20.0, 40.0, 0.1, 2.0, 0.5), point(0.3, 50.0, 100.0, 0.25, 8.0, 1.0, true)};
  const std::vector<SweepPoint> packet{point(0.1, 19.0, 44.0, 0.1, 2.5, 0.05),
                                       point(0.3, 60.0, 90.0, 0.2, 8.0, 0.2)};
  std::ostringstream os;
  print_fidelity_comparison(os, flit, packet);
  const std::string text = os.str();
  INFO(text);
  // 0.1: latency 20 -> 19 (-5 %), p99 40 -> 44 (+10 %), accepted equal, occupancy 2 -> 2.5 (+25 %), 10x.
  CHECK(text.find("     0.100     20.00     19.00     -5.0%    +10.0%     +0.0%    +25.0%    0.5000    0.0500    10.0x  no\n") !=
        std::string::npos);
  // 0.3: +20 %, -10 %, -20 %, +0 %, 5x; the flit run did not drain.
  CHECK(text.find("     0.300     50.00     60.00    +20.0%    -10.0%    -20.0%     +0.0%    1.0000    0.2000     5.0x  flit\n") !=
        std::string::npos);
  CHECK(text.find("# sat: ") != std::string::npos);
  CHECK(text.find("times poorly") == std::string::npos);  // no packet run under 10 ms
}

TEST_CASE("fidelity comparison: refuses sweeps of other rates, and a zero reference prints no error", "[noc]") {
  std::ostringstream os;
  const std::vector<SweepPoint> one{point(0.1, 20, 40, 0.1, 2, 0.5)};
  CHECK_THROWS_AS(print_fidelity_comparison(os, one, {}), std::invalid_argument);
  CHECK_THROWS_AS(print_fidelity_comparison(os, one, {point(0.2, 20, 40, 0.1, 2, 0.5)}), std::invalid_argument);
  std::ostringstream zero;
  print_fidelity_comparison(zero, {point(0.1, 20, 40, 0.1, 0, 0.5)}, {point(0.1, 20, 40, 0.1, 1, 0.001)});
  CHECK(zero.str().find("     +0.0%         -    0.5000    0.0010   500.0x  no\n") != std::string::npos);
  CHECK(zero.str().find("times poorly") != std::string::npos);  // a packet run of 1 ms
}

TEST_CASE("a point where no measured packet was delivered shows no latency, not 0", "[noc]") {
  NocConfig noc;
  TrafficConfig t;
  // 1024-flit packets, 1-flit buffers, 100 measured cycles, 10 to drain: nothing measured gets out.
  noc.num_vcs = 1;
  noc.vc_buffer_flits = 1;
  t.packet_flits = 1024;
  t.warmup_cycles = 1000;
  t.measure_cycles = 100;
  t.drain_limit_cycles = 10;
  const std::vector<SweepPoint> none = run_latency_sweep(noc, t, {0.5});
  REQUIRE(none[0].result.packet_latency.count == 0);
  const std::vector<SweepPoint> mixed{point(0.1, 20.0, 40.0, 0.1, 2.0, 0.5), none[0]};
  std::ostringstream table;
  print_latency_table(table, noc, t, mixed);
  INFO(table.str());
  CHECK(count(table.str(), "         -         -         -         -     -") == 1);
  CHECK(count(table.str(), "# -: no measured packet was delivered") == 1);
  std::ostringstream csv;
  print_latency_csv(csv, NocFidelity::Flit, mixed, true);
  INFO(csv.str());
  CHECK(count(csv.str(), "\nflit,0.5,") == 1);
  CHECK(count(csv.str(), "\nflit,0.5,1.28,0.07,,,,,,,0.05") == 1);  // the six latency fields empty
  std::ostringstream compare;
  print_fidelity_comparison(compare, mixed, {point(0.1, 20.0, 40.0, 0.1, 2.0, 0.5), point(0.5, 30.0, 60.0, 0.1, 2.0, 0.5)});
  INFO(compare.str());
  CHECK(count(compare.str(), "  1.280         -     30.00         -         -") == 1);
}

TEST_CASE("sweep CSV: one header, the fidelity on every row, and real sweeps compare", "[noc]") {
  NocConfig noc;
  noc.width = noc.height = 3;
  TrafficConfig t;
  t.warmup_cycles = 200;
  t.measure_cycles = 1000;
  const std::vector<double> rates{0.05, 0.2};
  noc.fidelity = NocFidelity::Flit;
  const auto flit = run_latency_sweep(noc, t, rates);
  noc.fidelity = NocFidelity::Packet;
  const auto packet = run_latency_sweep(noc, t, rates);
  std::ostringstream csv;
  print_latency_csv(csv, NocFidelity::Flit, flit, true);
  print_latency_csv(csv, NocFidelity::Packet, packet, false);
  const std::string text = csv.str();
  CHECK(count(text, "fidelity,rate,offered,accepted,lat_mean,") == 1);
  CHECK(text.rfind("fidelity,", 0) == 0);
  CHECK(count(text, "\nflit,0.05,") == 1);
  CHECK(count(text, "\nflit,0.2,") == 1);
  CHECK(count(text, "\npacket,0.05,") == 1);
  CHECK(count(text, "\npacket,0.2,") == 1);
  CHECK(count(text, "\n") == 5);
  std::ostringstream table;
  print_fidelity_comparison(table, flit, packet);
  // At 5 % load the two fidelities agree within a few per cent: the row shows the real runs.
  const std::string row = table.str().substr(table.str().find("\n     0.0"));
  INFO(table.str());
  CHECK(row.find("%") != std::string::npos);
  CHECK(row.find("  no\n") != std::string::npos);
}
