// The saturation search (find_saturation): zero-load latency, saturation throughput and latency
// knee of a 4x4 mesh against numbers known by hand and the bisection bound, in both fidelities.
#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>
#include <string>

#include "noc/noc_model.h"
#include "noc/saturation_search.h"

using namespace star;

namespace {
TrafficConfig short_runs() {
  TrafficConfig t;
  t.warmup_cycles = 500;
  t.measure_cycles = 2000;
  t.drain_limit_cycles = 8000;
  return t;
}
}  // namespace

TEST_CASE("saturation search on 4x4, 1-flit uniform traffic", "[noc]") {
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    NocConfig c;  // 4x4, 4 VCs x 8 flits, 4-stage routers, 1-cycle links
    c.fidelity = f;
    const SaturationSearch search;
    const SaturationResult r = find_saturation(c, short_runs(), search);
    INFO(to_string(f) << " fidelity: zero-load " << r.zero_load_latency << ", saturation " << r.saturation_throughput
                      << ", knee " << r.knee_rate << " (below " << r.below_knee_rate << ")");
    // Zero load: (h+1) R + h L over the mean 2.67 hops of uniform traffic on 4x4 (8/3 with the
    // destination drawn among the 15 other nodes): 3.67 x 4 + 2.67 = 17.3 cycles.
    CHECK(r.zero_load_latency == Approx(4.0 * (1 + 8.0 / 3) + 8.0 / 3).epsilon(0.02));
    // Never above the bisection bound 4/k = 1, and near it (the flit model's 0.71-0.72).
    CHECK(r.saturation_throughput <= 1.0);
    CHECK(r.saturation_throughput > 0.65);
    REQUIRE(r.knee_found);
    // The knee: past it the run is saturated or 3x the zero-load latency; the bracket is narrow.
    CHECK((r.knee.saturated || r.knee.packet_latency.mean > 3.0 * r.zero_load_latency));
    CHECK(r.knee_rate - r.below_knee_rate <= search.resolution + 1e-12);
    CHECK(r.knee_rate > 0.5 * r.saturation_throughput);
    CHECK(r.knee_rate < 1.1 * r.saturation_throughput);
    CHECK(r.runs >= 2 + 7);  // zero load, offered 1, then log2(1 / 0.005) bisection steps
    std::ostringstream text;
    print_saturation(text, c, short_runs(), search, r);
    CHECK(text.str().find("saturation throughput  0.") != std::string::npos);
    CHECK(text.str().find("accepted (injection rate 1.000, offered 1.000)") != std::string::npos);
    CHECK(text.str().find("latency knee           injection rate 0.") != std::string::npos);
  }
}

TEST_CASE("saturation search: no knee below a very high latency factor, and bad settings named", "[noc]") {
  NocConfig c;
  c.width = c.height = 2;
  SaturationSearch search;
  search.latency_factor = 1000;  // 2x2 at offered 1 drains with a latency far below 1000x zero load
  const SaturationResult r = find_saturation(c, short_runs(), search);
  CHECK_FALSE(r.knee_found);
  CHECK(r.runs == 2);

  // Transpose leaves the diagonal silent: offered is 3/4 of the injection rate on 4x4.
  NocConfig square;
  TrafficConfig transpose = short_runs();
  transpose.pattern = TrafficPattern::Transpose;
  const SaturationResult t = find_saturation(square, transpose);
  CHECK(t.saturation_offered == Approx(0.75).epsilon(0.02));
  REQUIRE(t.knee_found);
  CHECK(t.knee.offered == Approx(0.75 * t.knee_rate).epsilon(0.05));
  std::ostringstream text;
  print_saturation(text, c, short_runs(), search, r);
  CHECK(text.str().find("latency knee           none up to injection rate 1.000") != std::string::npos);

  SaturationSearch bad;
  bad.latency_factor = 1.0;
  CHECK_THROWS_WITH(find_saturation(c, short_runs(), bad), "saturation search: latency_factor must be > 1");
  bad = SaturationSearch{};
  bad.resolution = 0;
  CHECK_THROWS_WITH(find_saturation(c, short_runs(), bad),
                    "saturation search: resolution must be in (0, 0.5) flits/node/cycle");
}

TEST_CASE("saturation search: a knee run with no measured packet delivered prints no latency", "[noc]") {
  NocConfig c;
  SaturationResult r;  // as find_saturation leaves it when the knee run gave up before any drained
  r.zero_load_latency = 17.3;
  r.saturation_throughput = 0.5;
  r.saturation_offered = 1.0;
  r.knee_found = true;
  r.knee_rate = 0.9;
  r.knee.offered = 0.9;
  r.knee.accepted = 0.4;
  r.knee.saturated = true;
  r.below_knee_rate = 0.895;
  r.runs = 9;
  REQUIRE(r.knee.packet_latency.count == 0);
  std::ostringstream text;
  print_saturation(text, c, short_runs(), SaturationSearch{}, r);
  CHECK(text.str().find("(mean latency -, no measured packet delivered; accepted 0.400)") != std::string::npos);
  CHECK(text.str().find("mean latency 0.00") == std::string::npos);
  std::ostringstream csv;
  print_saturation_csv(csv, c, r, true);
  CHECK(csv.str().find(",0.9,0.9,,0.4,0.895,9\n") != std::string::npos);

  r.knee.packet_latency.count = 12;  // a knee run with some measured packets: its mean, flagged
  r.knee.packet_latency.mean = 86.5;
  std::ostringstream measured;
  print_saturation(measured, c, short_runs(), SaturationSearch{}, r);
  CHECK(measured.str().find("(mean latency 86.50, measured packets not drained, 5.0 x zero-load; accepted 0.400)") !=
        std::string::npos);
  std::ostringstream csv_measured;
  print_saturation_csv(csv_measured, c, r, false);
  CHECK(csv_measured.str().find(",0.9,0.9,86.5,0.4,0.895,9\n") != std::string::npos);
}
