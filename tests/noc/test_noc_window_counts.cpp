// Measurement-window counts (NocModel::count_window, NocStats::window_link_flits): the flits each
// link and ejection port sends in the window's cycles, counted as they move, not as their packets
// are injected. They give a run's accepted throughput and link utilisation, so a packet engine
// that times a packet's whole path at injection must place its flits in time: a link never
// carries more than one flit per cycle, and a long packet's flits count when they leave.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_model.h"
#include "noc/synthetic_traffic.h"

using namespace star;

namespace {

NocConfig fidelity(NocConfig c, NocFidelity f, bool exact = false) {
  c.fidelity = f;
  c.packet_exact_wormhole = exact;
  return c;
}

// One packet of `flits` flits from node 0 to node 1 of a 2x1 mesh, counted over [begin, end):
// the flits on node 0's east link and on node 1's ejection port.
struct OnePacket {
  double east = 0, eject = 0;
};
OnePacket one_packet(const NocConfig& c, uint32_t flits, uint64_t begin, uint64_t end) {
  auto model = make_noc_model(c);
  model->count_window(begin, end);
  NocPacket p;
  p.src = 0;
  p.dst = 1;
  p.flits = flits;
  model->inject(p);
  model->advance_to(200);
  REQUIRE(model->idle());
  const NocStats s = model->stats();
  return OnePacket{s.window_link_flits[0 * kNocPorts + kPortEast], s.window_link_flits[1 * kNocPorts + kPortLocal]};
}

TrafficConfig traffic(uint32_t flits, double rate, uint64_t measure) {
  TrafficConfig t;
  t.packet_flits = flits;
  t.injection_rate = rate;
  t.warmup_cycles = 500;
  t.measure_cycles = measure;
  t.drain_limit_cycles = 4000;
  return t;
}

TrafficResult run(const NocConfig& c, const TrafficConfig& t) {
  auto model = make_noc_model(c);
  return run_synthetic_traffic(*model, t);
}

}  // namespace

TEST_CASE("window counts of one packet, cycle by cycle, known by hand", "[noc]") {
  // 4 VCs x 8 flits: an 8-flit packet streams one flit per cycle over each link at zero load, so
  // windows of one cycle see exactly 8 consecutive cycles with one flit on the link, in both
  // fidelities, at the same cycles; the ejection port the same cycles later.
  NocConfig c;
  c.width = 2;
  c.height = 1;
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    INFO(to_string(f));
    const NocConfig cf = fidelity(c, f);
    CHECK(one_packet(cf, 8, 0, 1000).east == 8.0);
    CHECK(one_packet(cf, 8, 0, 1000).eject == 8.0);
    std::vector<uint64_t> east_cycles, eject_cycles;
    for (uint64_t cycle = 0; cycle < 60; ++cycle) {
      const OnePacket o = one_packet(cf, 8, cycle, cycle + 1);
      CHECK((o.east == 0.0 || o.east == 1.0));
      CHECK((o.eject == 0.0 || o.eject == 1.0));
      if (o.east == 1.0) east_cycles.push_back(cycle);
      if (o.eject == 1.0) eject_cycles.push_back(cycle);
    }
    REQUIRE(east_cycles.size() == 8);
    REQUIRE(eject_cycles.size() == 8);
    CHECK(east_cycles.back() - east_cycles.front() == 7);
    CHECK(eject_cycles.back() - eject_cycles.front() == 7);
    // The head leaves router 0 after its pipeline up to switch allocation (R - 2 = 2 cycles), and
    // router 1 a link (L = 1) and the router's stages (R = 4) later.
    CHECK(east_cycles.front() == c.router_stages - 2);
    CHECK(eject_cycles.front() - east_cycles.front() == c.router_stages + c.link_latency);
  }
  // An empty window counts nothing; a window ending before it begins is refused by name.
  auto model = make_noc_model(c);
  model->count_window(7, 7);
  CHECK_THROWS_WITH(model->count_window(7, 6),
                    "NocModel::count_window: the window ends (cycle 6) before it begins (cycle 7)");
}

TEST_CASE("the exact single-VC engine counts a window's link flits as the flit model does", "[noc]") {
  // It times every flit as the flit model does, so its counts per link are the same numbers, for
  // short packets under load and for packets longer than the window.
  NocConfig c;
  c.num_vcs = 1;
  c.vc_buffer_flits = 4;
  struct Case {
    uint32_t k, flits;
    double rate;
    uint64_t measure;
  };
  for (const Case& k : {Case{4, 8, 0.25, 2000}, Case{3, 5, 0.6, 1500}, Case{4, 1024, 1.0, 1000}}) {
    INFO(k.k << "x" << k.k << ", " << k.flits << "-flit packets at " << k.rate);
    NocConfig ck = c;
    ck.width = ck.height = k.k;
    const TrafficConfig t = traffic(k.flits, k.rate, k.measure);
    const TrafficResult flit = run(fidelity(ck, NocFidelity::Flit), t);
    const TrafficResult exact = run(fidelity(ck, NocFidelity::Packet, true), t);
    CHECK(flit.accepted > 0);
    CHECK(exact.accepted == flit.accepted);
    CHECK(exact.link_util_max == flit.link_util_max);
    CHECK(exact.link_util_mean == flit.link_util_mean);
    CHECK(exact.link_utilisation_map == flit.link_utilisation_map);
  }
}

TEST_CASE("the packet model's window counts stay within one flit per link and cycle past saturation", "[noc]") {
  // It counts a packet's whole path when it injects it, and past saturation its sources queue
  // ever further ahead: counted by injection, the busiest links of a 16x16 mesh carried 1.05
  // flits per cycle in a 1500-cycle window. Single-VC wormhole saturates with its links far less
  // busy (blocked packets hold them).
  struct Case {
    uint32_t k, vcs, buffer, flits;
    bool router_detail;
    double rate, busiest_at_least;
  };
  // 4 VCs x 2 flits throttle 5-flit packets, timed flit by flit (each flit counted in its cycle).
  for (const Case& k : {Case{16, 4, 8, 1, false, 0.4, 0.9}, Case{8, 4, 8, 4, false, 0.9, 0.9},
                        Case{8, 1, 4, 8, false, 0.5, 0.25}, Case{8, 4, 8, 1, true, 0.9, 0.9},
                        Case{8, 4, 2, 5, false, 0.6, 0.7}}) {
    INFO(k.k << "x" << k.k << ", " << k.vcs << " VCs x " << k.buffer << ", " << k.flits << "-flit packets at " << k.rate
              << (k.router_detail ? ", router detail" : ""));
    NocConfig c;
    c.width = c.height = k.k;
    c.num_vcs = k.vcs;
    c.vc_buffer_flits = k.buffer;
    c.packet_router_detail = k.router_detail;
    c.fidelity = NocFidelity::Packet;
    TrafficConfig t = traffic(k.flits, k.rate, 1500);
    t.warmup_cycles = 300;
    t.drain_limit_cycles = 300;  // saturated: the measured packets do not drain anyway
    const TrafficResult r = run(c, t);
    CHECK(r.accepted < 0.9 * r.offered);  // past saturation
    CHECK(r.link_util_max <= 1.0 + 1e-9);
    CHECK(r.link_util_max > k.busiest_at_least);
    double busiest = 0;
    for (double u : r.link_utilisation_map) busiest = std::max(busiest, u);  // ejection ports too
    CHECK(busiest <= 1.0 + 1e-9);
  }
}

TEST_CASE("long packets count as their flits leave, not when their tails arrive", "[noc]") {
  // 1024-flit packets over a 1000-cycle window: few tails arrive in it, but flits stream out all
  // the time. Counting a packet's flits at its tail, the packet model accepted 0 flits there.
  NocConfig c;
  c.width = c.height = 4;
  const TrafficConfig t = traffic(1024, 1.0, 1000);
  for (uint32_t vcs : {1u, 4u}) {
    INFO(vcs << " VCs");
    NocConfig cv = c;
    cv.num_vcs = vcs;
    cv.vc_buffer_flits = vcs == 1 ? 1 : 8;
    const TrafficResult flit = run(fidelity(cv, NocFidelity::Flit), t);
    const TrafficResult packet = run(fidelity(cv, NocFidelity::Packet), t);
    INFO("accepted: flit " << flit.accepted << ", packet " << packet.accepted);
    CHECK(flit.accepted > 0.05);
    CHECK(packet.accepted == Approx(flit.accepted).epsilon(0.25));
    CHECK(packet.link_util_max <= 1.0 + 1e-9);
  }
}

namespace {
struct IgnoreLinks final : NocLinkObserver {
  void link_used(uint32_t, uint64_t, uint64_t, uint64_t) override {}
};
}  // namespace

TEST_CASE("the packet model's 1-flit loop counts a window as its general walk does", "[noc]") {
  // inject_flit counts a packet's hops on its first hop's side of the window and corrects a
  // packet that crosses an edge; with an observer set, 1-flit packets take the general walk,
  // which places every hop by its own cycle. Windows of 1 to 300 cycles under heavy load (hops
  // wait, and many packets cross an edge), XY and YX.
  for (NocRouting routing : {NocRouting::XY, NocRouting::YX}) {
    for (uint64_t length : {1u, 7u, 300u}) {
      INFO(to_string(routing) << ", window of " << length << " cycles");
      NocConfig c;
      c.width = 5;
      c.height = 4;
      c.routing = routing;
      c.fidelity = NocFidelity::Packet;
      auto fast = make_noc_model(c), walk = make_noc_model(c);
      IgnoreLinks ignore;
      walk->observe_links(&ignore);
      for (NocModel* m : {fast.get(), walk.get()}) m->count_window(400, 400 + length);
      TrafficRng rng(7);
      uint64_t id = 0;
      for (uint64_t cycle = 0; cycle < 1200; ++cycle) {
        for (uint32_t src = 0; src < c.nodes(); ++src) {
          if (rng.uniform() >= 0.7) continue;
          NocPacket p;
          p.id = id++;
          p.src = src;
          p.dst = uniform_other(MeshTopology{c.width, c.height}, src, rng);
          p.created_cycle = cycle;
          fast->inject(p);
          walk->inject(p);
        }
        fast->advance_to(cycle + 1);
        walk->advance_to(cycle + 1);
      }
      const NocStats a = fast->stats(), b = walk->stats();
      CHECK(a.window_link_flits == b.window_link_flits);
      CHECK(a.link_flits == b.link_flits);
      double total = 0;
      for (double v : a.window_link_flits) total += v;
      CHECK(total > 0);
    }
  }
}
