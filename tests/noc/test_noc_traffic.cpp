#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <set>
#include <stdexcept>
#include <vector>

#include "noc/noc_model.h"
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

TEST_CASE("Bernoulli injection offers the configured rate, and seeds reproduce runs", "[noc]") {
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
  CHECK_THROWS_WITH(t.validate(c), "traffic: injection_rate 1.5 must be in (0, 1] flits/node/cycle");
  t.injection_rate = std::nan("");
  CHECK_THROWS_WITH(t.validate(c), "traffic: injection_rate nan must be in (0, 1] flits/node/cycle");
  t.injection_rate = 0.1;
  t.hotspot_node = 8;
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("hotspot_node"));
  t.hotspot_node = 0;
  CHECK_NOTHROW(t.validate(c));
  // Phases whose sum would wrap around a 64-bit cycle count.
  t.warmup_cycles = ~uint64_t(0);
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("warmup_cycles + measure_cycles + drain_limit_cycles"));
  t.warmup_cycles = TrafficConfig::kMaxRunCycles - t.measure_cycles - t.drain_limit_cycles;
  CHECK_NOTHROW(t.validate(c));
  ++t.warmup_cycles;
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("at most"));
  t.warmup_cycles = 1000;
  t.drain_limit_cycles = ~uint64_t(0) - 1000;
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("drain_limit_cycles"));
  CHECK_THROWS_AS(parse_traffic_pattern("tornado"), std::invalid_argument);
  t.drain_limit_cycles = 20000;
  t.packet_flits_mix = {4};
  CHECK_THROWS_WITH(t.validate(c), "traffic: packet_flits_mix takes 2 to 16 lengths (one length: packet_flits)");
  t.packet_flits_mix.assign(17, 2);
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("2 to 16 lengths"));
  t.packet_flits_mix = {1, 1025};
  CHECK_THROWS_WITH(t.validate(c), "traffic: packet_flits_mix length 1025 must be in 1..1024");
  t.packet_flits_mix = {0, 4};
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("length 0 must be in 1..1024"));
  t.packet_flits_mix = {1, 16};
  CHECK_NOTHROW(t.validate(c));
  t.request_response = true;
  CHECK_THROWS_WITH(t.validate(c), "traffic: request_response needs a NoC of 2 VC classes (num_vc_classes is 1)");
  t.packet_flits_mix.clear();
  CHECK_THROWS_WITH(t.validate(c), Catch::Contains("request_response needs mixed lengths"));
}

TEST_CASE("mixed packet lengths: each drawn as often, the offered rate kept, every flit delivered", "[noc]") {
  NocConfig c;  // 4x4, 4 VCs x 8
  TrafficConfig t;
  t.injection_rate = 0.2;
  t.packet_flits_mix = {1, 16};
  t.measure_cycles = 40000;  // the lengths' spread makes the offered flits vary: about 1 % here
  CHECK(t.mean_packet_flits() == 8.5);
  CHECK(t.max_packet_flits() == 16);
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    INFO(to_string(f) << " fidelity");
    c.fidelity = f;
    auto m = make_noc_model(c);
    const TrafficResult r = run_synthetic_traffic(*m, t);
    CHECK_FALSE(r.saturated);
    CHECK(r.offered == Approx(0.2).epsilon(0.05));
    CHECK(r.accepted == Approx(r.offered).epsilon(0.02));
    // flits = n1 + 16 n16 over n1 + n16 packets: about as many of each length.
    m->advance_to(m->now() + 100000);  // the packets created after the window drain too
    std::vector<DeliveredPacket> out;
    m->take_delivered(out);
    REQUIRE(m->idle());
    const NocStats s = m->stats();
    const double n16 = double(s.flits_injected - s.packets_injected) / 15.0, n1 = double(s.packets_injected) - n16;
    CHECK(n16 / n1 == Approx(1.0).epsilon(0.05));
    CHECK(s.packets_delivered == s.packets_injected);
    CHECK(s.flits_delivered == s.flits_injected);
  }
}

namespace {
// The mean packet latency of `t` in both fidelities of `c`, and the packet model after its run.
struct FidelityRuns {
  double flit = 0, packet = 0;            // mean packet latency
  double flit_head = 0, packet_head = 0;  // mean head latency
  std::unique_ptr<NocModel> packet_model;
  FidelityRuns(NocConfig c, const TrafficConfig& t) {
    c.fidelity = NocFidelity::Flit;
    const TrafficResult f = run_synthetic_traffic(*make_noc_model(c), t);
    c.fidelity = NocFidelity::Packet;
    packet_model = make_noc_model(c);
    const TrafficResult p = run_synthetic_traffic(*packet_model, t);
    flit = f.packet_latency.mean;
    packet = p.packet_latency.mean;
    flit_head = f.head_latency.mean;
    packet_head = p.head_latency.mean;
  }
};
}  // namespace

TEST_CASE("mixed lengths: short packets pass long ones in the packet model, within 5 % of the flit model", "[noc]") {
  // 4x4, 4 VCs x 8, uniform, 1- and 16-flit packets at 0.3 flits/node/cycle (46 % of the flit
  // model's saturation, about 0.64): the packet model is -3.6 %. With each 1-flit packet waiting
  // for the 16-flit spans on its way (before short packets passed long ones) it was +8.4 %.
  TrafficConfig t;
  t.injection_rate = 0.3;
  t.packet_flits_mix = {1, 16};
  t.warmup_cycles = 2000;
  t.measure_cycles = 20000;
  const FidelityRuns runs(NocConfig{}, t);
  INFO("flit " << runs.flit << " packet " << runs.packet);
  CHECK(std::abs(runs.packet - runs.flit) / runs.flit < 0.05);
}

TEST_CASE("requests and responses: each class's packets in their own VCs, within 5 % of the flit model", "[noc]") {
  // 4x4, uniform, 1-flit requests (class 0) and 16-flit responses (class 1) at 0.2 flits/node/cycle.
  // With one VC x 8 flits per class the packet model is -1.1 % (a request passes the other class's
  // responses, and the interface keeps a queue per class); it was +9.1 % when a request waited
  // for every response on its way and behind the one its interface was writing. With 2 VCs per
  // class: -1.6 %.
  for (const uint32_t vcs : {2u, 4u}) {
    INFO(vcs << " VCs");
    NocConfig c;
    c.num_vcs = vcs;
    c.num_vc_classes = 2;
    TrafficConfig t;
    t.injection_rate = 0.2;
    t.packet_flits_mix = {1, 16};
    t.request_response = true;
    t.warmup_cycles = 2000;
    t.measure_cycles = 20000;
    const FidelityRuns runs(c, t);
    INFO("flit " << runs.flit << " packet " << runs.packet);
    CHECK(std::abs(runs.packet - runs.flit) / runs.flit < 0.05);
    runs.packet_model->advance_to(runs.packet_model->now() + 100000);
    REQUIRE(runs.packet_model->idle());
    CHECK(runs.packet_model->stats().packets_delivered == runs.packet_model->stats().packets_injected);
  }
}

TEST_CASE("long packets: the head passes other VCs' long packets, its latency within 5 % of the flit model", "[noc]") {
  // Uniform 16-flit packets, 4 VCs x 8 flits: 4x4 at 0.3 flits/node/cycle and 8x8 at 0.15 (about
  // half of the flit model's saturation). The flit routers interleave packets on different VCs,
  // so a head goes on while its body shares the links: the packet model is +1.9 % and +1.7 %; it
  // was +43 % and +33 % when the head waited with its body for every long packet ahead.
  for (const uint32_t k : {4u, 8u}) {
    INFO(k << "x" << k);
    NocConfig c;
    c.width = c.height = k;
    TrafficConfig t;
    t.injection_rate = k == 4 ? 0.3 : 0.15;
    t.packet_flits = 16;
    t.warmup_cycles = 2000;
    t.measure_cycles = 20000;
    const FidelityRuns runs(c, t);
    INFO("head latency: flit " << runs.flit_head << " packet " << runs.packet_head);
    CHECK(std::abs(runs.packet_head - runs.flit_head) / runs.flit_head < 0.05);
    CHECK(runs.packet_head < runs.packet - 15);  // the head ahead of the tail by at least F-1
  }
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

namespace {
// Every field of a run but the times.
void check_same_run(const TrafficResult& a, const TrafficResult& b) {
  auto same = [](const LatencySummary& x, const LatencySummary& y) {
    CHECK(x.count == y.count);
    CHECK(x.mean == y.mean);
    CHECK(x.p50 == y.p50);
    CHECK(x.p95 == y.p95);
    CHECK(x.p99 == y.p99);
    CHECK(x.max == y.max);
  };
  CHECK(a.offered == b.offered);
  CHECK(a.accepted == b.accepted);
  same(a.packet_latency, b.packet_latency);
  same(a.head_latency, b.head_latency);
  CHECK(a.mean_hops == b.mean_hops);
  CHECK(a.saturated == b.saturated);
  CHECK(a.packets_injected == b.packets_injected);
  CHECK(a.packets_delivered == b.packets_delivered);
  CHECK(a.link_util_mean == b.link_util_mean);
  CHECK(a.link_util_max == b.link_util_max);
  CHECK(a.router_occupancy == b.router_occupancy);
  CHECK(a.energy_pj_per_flit == b.energy_pj_per_flit);
  CHECK(a.max_vc_occupancy == b.max_vc_occupancy);
  CHECK(a.buffer_overflows == b.buffer_overflows);
  CHECK(a.cycles == b.cycles);
  CHECK(a.flit_hops == b.flit_hops);
}
}  // namespace

TEST_CASE("deliveries timed at injection give the same run as the queued deliveries", "[noc]") {
  // The packet model hands each delivery back from inject_timed; the driver must count it where
  // the queued path (advance_to, take_delivered) would: in the window or not, before the run
  // ends or not, and drop the measured packets still out when a saturated run gives up.
  struct Case {
    uint32_t k, vcs, buffer, flits;
    double rate;
    uint64_t warmup, drain;
    TrafficPattern pattern;
  };
  const Case cases[] = {
      {4, 4, 8, 1, 0.35, 1000, 20000, TrafficPattern::UniformRandom},  // below saturation
      {4, 4, 8, 1, 0.9, 1000, 20000, TrafficPattern::UniformRandom},   // saturated, drains late
      {4, 4, 8, 1, 0.9, 0, 300, TrafficPattern::Hotspot},              // gives up; no warm-up
      {8, 1, 4, 8, 0.3, 500, 1000, TrafficPattern::Transpose},         // one VC, wormhole holds
      {8, 1, 4, 8, 0.1, 1000, 20000, TrafficPattern::UniformRandom},
  };
  for (const Case& k : cases) {
    NocConfig c;
    c.width = c.height = k.k;
    c.num_vcs = k.vcs;
    c.vc_buffer_flits = k.buffer;
    c.fidelity = NocFidelity::Packet;
    TrafficConfig t;
    t.pattern = k.pattern;
    t.injection_rate = k.rate;
    t.packet_flits = k.flits;
    t.warmup_cycles = k.warmup;
    t.measure_cycles = 3000;
    t.drain_limit_cycles = k.drain;
    auto timed = make_noc_model(c);
    REQUIRE(timed->times_at_injection());
    const TrafficResult a = run_synthetic_traffic(*timed, t);
    t.timed_delivery = false;
    auto queued = make_noc_model(c);
    const TrafficResult b = run_synthetic_traffic(*queued, t);
    INFO(k.k << "x" << k.k << " " << k.flits << "-flit packets at " << k.rate << ", drain limit " << k.drain);
    CHECK(a.packets_delivered > 0);
    CHECK(a.packets_delivered <= a.packets_injected);
    check_same_run(a, b);
  }
}

TEST_CASE("a link observer sees each hop's flits in cycles no other hop of that link takes, and changes nothing", "[noc]") {
  // NocFabric's trace places the packet model's link flits in time through observe_links; 1-flit
  // packets then take the general walk instead of the 1-flit loop, which must time them alike.
  struct Recorder final : NocLinkObserver {
    std::vector<std::vector<std::pair<uint64_t, uint64_t>>> spans;  // per link: [from, to)
    std::vector<uint64_t> flits;
    void link_used(uint32_t link, uint64_t from, uint64_t cycles, uint64_t f) override {
      CHECK(cycles >= f);
      spans.at(link).emplace_back(from, from + cycles);
      flits.at(link) += f;
    }
  };
  struct Case {
    uint32_t vcs, buffer, flits;
    double rate;
  };
  // 4 VCs x 2 flits throttle 5-flit packets, timed flit by flit: one reservation per flit.
  for (const Case& k : {Case{4, 8, 1, 0.35}, Case{4, 8, 1, 0.9}, Case{1, 4, 8, 0.2}, Case{4, 8, 5, 0.3},
                        Case{4, 2, 5, 0.3}}) {
    NocConfig c;
    c.width = c.height = 4;
    c.num_vcs = k.vcs;
    c.vc_buffer_flits = k.buffer;
    c.fidelity = NocFidelity::Packet;
    TrafficConfig t;
    t.injection_rate = k.rate;
    t.packet_flits = k.flits;
    t.warmup_cycles = 500;
    t.measure_cycles = 3000;
    t.drain_limit_cycles = 2000;
    auto plain = make_noc_model(c);
    const TrafficResult a = run_synthetic_traffic(*plain, t);
    auto observed = make_noc_model(c);
    Recorder r;
    r.spans.resize(size_t(c.nodes()) * kNocPorts);
    r.flits.assign(r.spans.size(), 0);
    observed->observe_links(&r);
    const TrafficResult b = run_synthetic_traffic(*observed, t);
    INFO(k.flits << "-flit packets, " << k.vcs << " VCs, rate " << k.rate);
    check_same_run(a, b);
    CHECK(r.flits == observed->stats().link_flits);
    for (auto& link : r.spans) {  // an output's reservations never overlap
      std::sort(link.begin(), link.end());
      for (size_t i = 1; i < link.size(); ++i) CHECK(link[i].first >= link[i - 1].second);
    }
  }
}

TEST_CASE("the packet model's 1-flit loop times packets as its general walk does, on long paths and tori", "[noc]") {
  // The loop keeps a path's legs in one word, up to PacketNetworkModel::kFastFlitHops (30) hops:
  // on 20x18 the longer paths (up to 36 hops) take the general walk in the same run. An observer
  // sends every 1-flit packet through the general walk.
  struct Case {
    uint32_t width, height;
    NocTopology topology;
    NocRouting routing;
    double rate;
  };
  for (const Case& k : {Case{20, 18, NocTopology::Mesh, NocRouting::XY, 0.08},
                        Case{17, 16, NocTopology::Mesh, NocRouting::YX, 0.05},
                        Case{8, 8, NocTopology::Torus, NocRouting::YX, 0.5},
                        Case{5, 3, NocTopology::Torus, NocRouting::XY, 0.7}}) {
    NocConfig c;
    c.width = k.width;
    c.height = k.height;
    c.topology = k.topology;
    c.routing = k.routing;
    c.fidelity = NocFidelity::Packet;
    TrafficConfig t;
    t.injection_rate = k.rate;
    t.warmup_cycles = 300;
    t.measure_cycles = 1000;
    auto loop = make_noc_model(c);
    const TrafficResult a = run_synthetic_traffic(*loop, t);
    auto walk = make_noc_model(c);
    struct : NocLinkObserver {
      void link_used(uint32_t, uint64_t, uint64_t, uint64_t) override {}
    } ignore;
    walk->observe_links(&ignore);
    const TrafficResult b = run_synthetic_traffic(*walk, t);
    INFO(k.width << "x" << k.height << " " << to_string(k.topology) << ", " << to_string(k.routing));
    CHECK(a.packets_delivered > 0);
    check_same_run(a, b);
    CHECK(loop->stats().link_flits == walk->stats().link_flits);
  }
}

TEST_CASE("inject_timed returns the delivery take_delivered would give", "[noc]") {
  NocConfig c;
  c.width = c.height = 4;
  c.fidelity = NocFidelity::Packet;
  auto timed = make_noc_model(c), queued = make_noc_model(c);
  const NocPacket packets[] = {{1, 0, 15, 5, 0, 3}, {2, 0, 15, 5, 0, 3}, {3, 12, 3, 1, 0, 4}};
  std::vector<DeliveryTiming> returned;
  std::vector<DeliveredPacket> taken;
  for (const NocPacket& p : packets) {
    returned.emplace_back();
    timed->inject_timed(p, returned.back());
    queued->inject(p);
  }
  CHECK(timed->stats().packets_delivered == 3);  // counted at once, nothing queued
  CHECK(timed->idle());
  std::vector<size_t> by_release(returned.size());
  std::iota(by_release.begin(), by_release.end(), 0);
  std::sort(by_release.begin(), by_release.end(),
            [&](size_t a, size_t b) { return returned[a].release_cycle < returned[b].release_cycle; });
  for (const size_t i : by_release) {
    // Released exactly when simulated time passes the release cycle.
    const uint64_t id = packets[i].id;
    queued->advance_to(returned[i].release_cycle);
    taken.clear();
    queued->take_delivered(taken);
    for (const DeliveredPacket& d : taken) CHECK(d.packet.id != id);
    queued->advance_to(returned[i].release_cycle + 1);
    queued->take_delivered(taken);
    bool found = false;
    for (const DeliveredPacket& d : taken) {
      if (d.packet.id != id) continue;
      found = true;
      CHECK(d.head_cycle == returned[i].head_cycle);
      CHECK(d.tail_cycle == returned[i].tail_cycle);
      CHECK(d.hops == returned[i].hops);
      CHECK(returned[i].release_cycle < d.tail_cycle);
    }
    CHECK(found);
  }
  // The flit model computes nothing ahead: it has no timed injection, and the driver queues.
  c.fidelity = NocFidelity::Flit;
  auto flit = make_noc_model(c);
  DeliveryTiming timing;
  CHECK_FALSE(flit->times_at_injection());
  CHECK_THROWS_AS(flit->inject_timed(packets[0], timing), std::logic_error);
  // A bad packet is rejected, and the model goes back to queueing.
  NocPacket bad = packets[0];
  bad.dst = 99;
  CHECK_THROWS_WITH(timed->inject_timed(bad, timing), Catch::Contains("outside the mesh"));
  NocPacket later = packets[2];
  later.id = 9;
  later.created_cycle = 100;
  timed->advance_to(100);
  timed->inject(later);
  CHECK_FALSE(timed->idle());
}

TEST_CASE("self traffic: packets to their own node are drawn and sent, as BookSim2's patterns do", "[noc]") {
  const MeshTopology m{4, 4};
  TrafficRng rng(3);
  TrafficConfig t;
  t.self_traffic = true;
  std::set<uint32_t> dsts;
  int self = 0;
  for (int i = 0; i < 16000; ++i) {
    const uint32_t d = traffic_destination(t, m, 5, rng);
    dsts.insert(d);
    self += d == 5;
  }
  CHECK(dsts.size() == 16);  // uniform over all nodes, the source included
  CHECK(self / 16000.0 == Approx(1.0 / 16).epsilon(0.1));
  t.pattern = TrafficPattern::Hotspot;  // the hotspot node's own share of packets goes to itself
  t.hotspot_node = 9;
  t.hotspot_fraction = 0.5;
  int hot = 0;
  for (int i = 0; i < 4000; ++i) hot += traffic_destination(t, m, 9, rng) == 9;
  CHECK(hot / 4000.0 == Approx(0.5 + 0.5 / 16).epsilon(0.08));
  // Through every engine: the measured packets drain; the zero-load latency is the hand formula at the
  // mean path with self packets, 2(k^2-1)/(3k) = 2.5 hops on 4x4: 5 * 2.5 + 4 = 16.5 cycles; the
  // transpose diagonal now offers its share, so transpose offers the whole rate.
  for (int engine = 0; engine < 3; ++engine) {
    NocConfig c;
    c.fidelity = engine == 0 ? NocFidelity::Flit : NocFidelity::Packet;
    c.num_vcs = engine == 2 ? 1 : 4;
    c.packet_exact_wormhole = engine == 2;
    TrafficConfig u;
    u.self_traffic = true;
    u.injection_rate = 0.01;
    u.measure_cycles = 40000;
    INFO("engine " << engine);
    auto model = make_noc_model(c);
    const TrafficResult r = run_synthetic_traffic(*model, u);
    CHECK_FALSE(r.saturated);
    CHECK(r.mean_hops == Approx(2.5).epsilon(0.03));
    CHECK(r.packet_latency.mean == Approx(5 * r.mean_hops + 4).epsilon(0.01));
    u.pattern = TrafficPattern::Transpose;
    u.injection_rate = 0.15;
    u.measure_cycles = 5000;
    auto transpose = make_noc_model(c);
    const TrafficResult rt = run_synthetic_traffic(*transpose, u);
    CHECK_FALSE(rt.saturated);
    CHECK(rt.offered == Approx(0.15).epsilon(0.05));  // without self traffic 3/4 of it
    CHECK(rt.accepted == Approx(rt.offered).epsilon(0.05));
  }
}
