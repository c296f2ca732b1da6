#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "noc/synthetic_traffic.h"

using namespace star;

TEST_CASE("permutation patterns send where the definition says", "[noc]") {
  const MeshTopology m{4, 4};
  TrafficRng rng(1);
  TrafficConfig t;
  t.pattern = TrafficPattern::Transpose;
  CHECK(traffic_destination(t, m, m.node_at(1, 3), rng) == m.node_at(3, 1));
  CHECK(traffic_destination(t, m, m.node_at(2, 2), rng) == m.node_at(2, 2));  // diagonal: silent
  t.pattern = TrafficPattern::BitComplement;
  CHECK(traffic_destination(t, m, 0, rng) == 15);
  CHECK(traffic_destination(t, m, m.node_at(1, 2), rng) == m.node_at(2, 1));
  t.pattern = TrafficPattern::NearestNeighbour;
  for (int i = 0; i < 50; ++i) CHECK(m.hops(5, traffic_destination(t, m, 5, rng)) == 1);
  t.pattern = TrafficPattern::UniformRandom;
  std::set<uint32_t> dsts;
  for (int i = 0; i < 2000; ++i) dsts.insert(traffic_destination(t, m, 5, rng));
  CHECK(dsts.size() == 15);
  CHECK(dsts.count(5) == 0);
  t.pattern = TrafficPattern::Hotspot;
  t.hotspot_node = 9;
  t.hotspot_fraction = 0.5;
  int hot = 0;
  for (int i = 0; i < 4000; ++i) hot += traffic_destination(t, m, 0, rng) == 9;
  CHECK(hot / 4000.0 == Approx(0.5 + 0.5 / 15).epsilon(0.08));
}

TEST_CASE("Bernoulli injection offers the configured rate; seeds reproduce runs", "[noc]") {
  NocConfig c;
  c.width = 4;
  c.height = 4;
  TrafficConfig t;
  t.injection_rate = 0.12;
  t.packet_flits = 3;
  t.measure_cycles = 5000;
  auto a = make_noc_model(c);
  const TrafficResult ra = run_synthetic_traffic(*a, t);
  CHECK(ra.offered == Approx(0.12).epsilon(0.05));
  auto b = make_noc_model(c);
  const TrafficResult rb = run_synthetic_traffic(*b, t);
  CHECK(rb.packet_latency.mean == ra.packet_latency.mean);
  CHECK(rb.packets_injected == ra.packets_injected);
  t.seed = 2;
  auto d = make_noc_model(c);
  CHECK(run_synthetic_traffic(*d, t).packets_injected != ra.packets_injected);
  CHECK(ra.packet_latency.p99 >= ra.packet_latency.p50);
  CHECK(ra.packet_latency.mean >= ra.head_latency.mean + 2);
}

TEST_CASE("traffic config errors name the problem", "[noc]") {
  NocConfig c;
  c.width = 4;
  c.height = 2;
  TrafficConfig t;
  t.pattern = TrafficPattern::Transpose;
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("square"));
  t.pattern = TrafficPattern::UniformRandom;
  t.injection_rate = 1.5;
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("injection_rate"));
  t.injection_rate = 0.1;
  t.hotspot_node = 8;
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("hotspot_node"));
  CHECK_THROWS_AS(parse_traffic_pattern("tornado"), std::invalid_argument);
}

TEST_CASE("latency summary percentiles", "[noc]") {
  std::vector<uint64_t> v;
  for (uint64_t i = 1; i <= 100; ++i) v.push_back(i);
  const LatencySummary s = summarise_latency(v);
  CHECK(s.count == 100);
  CHECK(s.mean == Approx(50.5));
  CHECK(s.p50 == Approx(51).margin(1));
  CHECK(s.p99 == Approx(99).margin(1));
  CHECK(s.max == 100);
}

TEST_CASE("latency histogram gives the same summary as the list of values", "[noc]") {
  TrafficRng rng(5);
  for (uint32_t n : {1u, 2u, 7u, 100u, 5000u}) {
    std::vector<uint64_t> v;
    LatencyHistogram h;
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t x = rng.below(i % 3 == 0 ? 40 : 3000);  // clustered and spread values
      v.push_back(x);
      h.add(x);
    }
    const LatencySummary a = summarise_latency(v), b = h.summary();
    INFO("n " << n);
    CHECK(b.count == a.count);
    CHECK(b.mean == a.mean);
    CHECK(b.p50 == a.p50);
    CHECK(b.p95 == a.p95);
    CHECK(b.p99 == a.p99);
    CHECK(b.max == a.max);
  }
  CHECK(LatencyHistogram().summary().count == 0);
}

TEST_CASE("geometric gaps from the table equal the logarithm formula", "[noc]") {
  for (double p : {0.003, 0.05, 0.2, 0.5, 0.99, 1.0}) {
    const GeometricGaps gaps(p);
    TrafficRng a(11), b(11);
    double sum = 0;
    for (int i = 0; i < 20000; ++i) {
      const uint64_t g = gaps.draw(a);
      const uint64_t want = p >= 1.0 ? 1 : 1 + uint64_t(std::floor(std::log(b.uniform()) / std::log1p(-p)));
      if (g != want) FAIL("p " << p << " draw " << i << ": " << g << " != " << want);
      sum += double(g);
    }
    CHECK(sum / 20000 == Approx(1.0 / p).epsilon(0.05));  // mean gap 1/p
  }
}
