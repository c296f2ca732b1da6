// The event model of single-VC wormhole routers (WormholeEventModel) against the flit model: the
// same packets must come out at the same cycles, packet by packet (head and tail), for every
// pipeline depth, link and credit latency, buffer depth, packet length and routing it takes, with
// and without body-flit bypass, at loads from idle to beyond saturation, with packets injected
// ahead of time or just in time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "noc/flit_network_model.h"
#include "noc/noc_model.h"
#include "noc/synthetic_traffic.h"
#include "noc/wormhole_event_model.h"

using namespace star;

namespace {

struct Timing {
  uint64_t head, tail;
  uint32_t hops;
  bool operator==(const Timing& o) const { return head == o.head && tail == o.tail && hops == o.hops; }
};

// Runs `packets` (in creation order) through `model`, advancing in steps of `step` cycles and
// injecting before each step the packets created in it or in the `lead` cycles after it.
std::map<uint64_t, Timing> run(NocModel& model, const std::vector<NocPacket>& packets, uint64_t lead, uint64_t step) {
  std::map<uint64_t, Timing> out;
  std::vector<DeliveredPacket> delivered;
  size_t next = 0;
  uint64_t now = 0;
  while (next < packets.size() || !model.idle()) {
    while (next < packets.size() && packets[next].created_cycle < now + step + lead) model.inject(packets[next++]);
    now += step;
    model.advance_to(now);
    model.take_delivered(delivered);
    for (const DeliveredPacket& d : delivered) {
      CHECK(d.tail_cycle <= now + 2);  // released once simulated time passed it
      CHECK(out.count(d.packet.id) == 0);
      out[d.packet.id] = Timing{d.head_cycle, d.tail_cycle, d.hops};
    }
    delivered.clear();
    INFO((model.config().fidelity == NocFidelity::Flit ? "flit model" : "event model"));
    REQUIRE(now < 1000000);
  }
  return out;
}

}  // namespace

TEST_CASE("the wormhole event model delivers every packet at the flit model's cycles", "[noc]") {
  std::mt19937_64 rng(20261129);
  auto pick = [&rng](std::initializer_list<uint32_t> values) {
    return *(values.begin() + std::uniform_int_distribution<size_t>(0, values.size() - 1)(rng));
  };
  for (int trial = 0; trial < 120; ++trial) {
    NocConfig c;
    c.width = pick({1, 2, 3, 4, 5});
    c.height = pick({1, 2, 3, 4});
    c.num_vcs = 1;
    c.vc_buffer_flits = pick({1, 2, 3, 4, 8, 1, 2, 3, 4, 8, 9, 16, 64});  // beyond 8: the 64-entry rings
    c.router_stages = pick({1, 2, 3, 4, 6});
    c.link_latency = pick({0, 1, 3});
    c.credit_latency = pick({0, 1, 2});
    if (c.link_latency + c.credit_latency == 0) c.credit_latency = 1;  // the model needs a credit loop of a cycle
    c.routing = pick({0, 1}) ? NocRouting::XY : NocRouting::YX;
    c.body_flit_bypass = trial % 2 == 1;  // every other trial: body flits straight to switch allocation
    c.fidelity = NocFidelity::Packet;
    c.packet_exact_wormhole = true;
    const uint32_t max_flits = pick({1, 4, 9, 24});
    const double rate = std::uniform_real_distribution<double>(0.02, 0.6)(rng);  // flits/node/cycle
    const bool hotspot = pick({0, 1, 1, 1}) == 0;
    std::vector<NocPacket> packets;
    const uint32_t nodes = c.nodes();
    const double per_cycle = rate * nodes / ((max_flits + 1) / 2.0);
    std::poisson_distribution<int> arrivals(per_cycle);
    uint64_t id = 0;
    for (uint64_t cycle = 0; cycle < 600; ++cycle) {
      for (int a = arrivals(rng); a > 0; --a) {
        NocPacket p;
        p.id = id++;
        p.src = std::uniform_int_distribution<uint32_t>(0, nodes - 1)(rng);
        p.dst = hotspot ? 0 : std::uniform_int_distribution<uint32_t>(0, nodes - 1)(rng);
        p.flits = std::uniform_int_distribution<uint32_t>(1, max_flits)(rng);
        p.created_cycle = cycle;
        packets.push_back(p);
      }
    }
    const uint64_t lead = pick({0, 5, 300}), step = pick({1, 7, 64});
    INFO("trial " << trial << ": " << c.width << "x" << c.height << " depth " << c.vc_buffer_flits << " R "
                  << c.router_stages << " L " << c.link_latency << " credit " << c.credit_latency << " "
                  << (c.routing == NocRouting::XY ? "xy" : "yx") << (c.body_flit_bypass ? " bypass" : "") << " flits 1.." << max_flits << " rate " << rate
                  << (hotspot ? " hotspot" : " uniform") << " lead " << lead << " step " << step << ", "
                  << packets.size() << " packets");
    NocConfig flit_config = c;
    flit_config.fidelity = NocFidelity::Flit;
    FlitNetworkModel flit(flit_config);
    const std::unique_ptr<NocModel> events = make_wormhole_event_model(c);
    const std::map<uint64_t, Timing> expected = run(flit, packets, lead, step);
    const std::map<uint64_t, Timing> got = run(*events, packets, lead, step);
    REQUIRE(got.size() == packets.size());
    REQUIRE(expected.size() == packets.size());
    for (const auto& [pid, t] : expected) {
      const Timing g = got.at(pid);
      INFO("packet " << pid << ": flit head " << t.head << " tail " << t.tail << ", events head " << g.head << " tail "
                     << g.tail);
      REQUIRE(g == t);
    }
    const NocStats fs = flit.stats(), es = events->stats();
    CHECK(es.packets_delivered == fs.packets_delivered);
    CHECK(es.flits_delivered == fs.flits_delivered);
    CHECK(es.link_flits == fs.link_flits);
    // Energy actions, counted as each router passes the packet (as the flit model counts them).
    CHECK(es.energy.routing == fs.energy.routing);
    CHECK(es.energy.buffer_writes == fs.energy.buffer_writes);
    CHECK(es.energy.buffer_reads == fs.energy.buffer_reads);
    CHECK(es.energy.crossbar == fs.energy.crossbar);
    CHECK(es.energy.link_flits == fs.energy.link_flits);
    // Every flit's stay in every router's buffers, summed per router once all have drained.
    CHECK(es.occupancy_flit_cycles == fs.occupancy_flit_cycles);
  }
}

TEST_CASE("exact wormhole on 8x8 near saturation: the flit model's latency statistics", "[noc]") {
  // 8-flit packets over 1 VC x 4 flits, uniform traffic at 0.13 flits/node/cycle (90 % of
  // saturation), through the synthetic-traffic driver (packets injected up to a chunk ahead).
  NocConfig c;
  c.width = c.height = 8;
  c.num_vcs = 1;
  c.vc_buffer_flits = 4;
  TrafficConfig t;
  t.injection_rate = 0.13;
  t.packet_flits = 8;
  t.warmup_cycles = 1000;
  t.measure_cycles = 3000;
  c.fidelity = NocFidelity::Flit;
  auto flit = make_noc_model(c);
  c.fidelity = NocFidelity::Packet;
  c.packet_exact_wormhole = true;
  auto events = make_noc_model(c);
  const TrafficResult rf = run_synthetic_traffic(*flit, t), re = run_synthetic_traffic(*events, t);
  CHECK_FALSE(rf.saturated);
  CHECK(re.packets_delivered == rf.packets_delivered);
  // Accepted throughput counts the flits delivered in the window: the flit model counts each flit
  // as it ejects, the event model a packet's flits when its tail does (at the window's edges).
  CHECK(re.accepted == Approx(rf.accepted).epsilon(0.005));
  CHECK(re.packet_latency.mean == rf.packet_latency.mean);
  CHECK(re.packet_latency.p99 == rf.packet_latency.p99);
  CHECK(re.head_latency.mean == rf.head_latency.mean);
  // Buffer occupancy: the event model counts a flit's whole stay when its leave is timed.
  INFO("router occupancy: flit " << rf.router_occupancy << ", events " << re.router_occupancy);
  CHECK(re.router_occupancy == Approx(rf.router_occupancy).epsilon(0.002));
}

TEST_CASE("exact wormhole: a mesh whose packets in flight could take more than 4 GiB is refused", "[noc]") {
  // Every buffer flit can hold a packet (1-flit packets), each with a hop record per router of
  // its path: 32x32 with 64-flit buffers could need about 11 GiB; with 16-flit buffers 1 GiB.
  NocConfig c;
  c.width = c.height = 32;
  c.num_vcs = 1;
  c.fidelity = NocFidelity::Packet;
  c.packet_exact_wormhole = true;
  c.vc_buffer_flits = 64;
  CHECK_THROWS_WITH(make_noc_model(c), Catch::Contains("32x32 with 64-flit buffers could hold up to") &&
                                           Catch::Contains("MiB of packets in flight (at most 4096)"));
  c.vc_buffer_flits = 16;
  CHECK_NOTHROW(make_noc_model(c));
  c.width = c.height = 16;
  c.vc_buffer_flits = 64;
  CHECK_NOTHROW(make_noc_model(c));
}
