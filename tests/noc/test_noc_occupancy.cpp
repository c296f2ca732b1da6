// Buffer occupancy (NocStats::occupancy_flit_cycles, the time integral of buffered flits per
// router) in every engine: a flit stays in a router's buffer from the cycle it is sent into it
// (the upstream switch allocation, or the interface's write) to its own switch allocation. At
// zero load that is the hop's pipeline and link, known by hand, and the packet engines must give
// the flit model's numbers router by router; under load the packet model's own waits.
#include <catch2/catch.hpp>

#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_model.h"
#include "noc/synthetic_traffic.h"

using namespace star;

namespace {

// Occupancy per router after one packet has gone through an empty network.
std::vector<uint64_t> one_packet(const NocConfig& c, uint32_t src, uint32_t dst, uint32_t flits) {
  auto m = make_noc_model(c);
  m->advance_to(5);
  m->inject(NocPacket{1, src, dst, flits, 0, 5});
  m->advance_to(20000);
  REQUIRE(m->idle());
  return m->stats().occupancy_flit_cycles;
}

enum class Engine { Flit, Packet, RouterDetail, ExactWormhole };

NocConfig engine_config(NocConfig c, Engine e) {
  c.fidelity = e == Engine::Flit ? NocFidelity::Flit : NocFidelity::Packet;
  c.packet_router_detail = e == Engine::RouterDetail;
  c.packet_exact_wormhole = e == Engine::ExactWormhole;
  return c;
}

const char* engine_name(Engine e) {
  switch (e) {
    case Engine::Flit: return "flit";
    case Engine::Packet: return "packet";
    case Engine::RouterDetail: return "packet, router detail";
    case Engine::ExactWormhole: return "packet, exact wormhole";
  }
  return "?";
}

}  // namespace

TEST_CASE("zero-load occupancy by hand: 4x4 corner to corner, defaults", "[noc]") {
  // R = 4 (switch allocation 2 cycles after a flit is written), switch traversal 2, link 1: a flit
  // stays 2 cycles in the source router and 2 + 2 + 1 = 5 in each of the 6 routers after it.
  NocConfig c;
  std::vector<uint64_t> expected(16, 0);
  for (uint32_t node : {0u, 1u, 2u, 3u, 7u, 11u, 15u}) expected[node] = node == 0 ? 2 : 5;
  for (uint32_t flits : {1u, 5u}) {
    std::vector<uint64_t> scaled = expected;
    for (uint64_t& v : scaled) v *= flits;
    for (Engine e : {Engine::Flit, Engine::Packet, Engine::RouterDetail}) {
      INFO(engine_name(e) << ", " << flits << " flits");
      CHECK(one_packet(engine_config(c, e), 0, 15, flits) == scaled);
    }
  }
}

TEST_CASE("zero-load occupancy: every packet engine gives the flit model's, router by router", "[noc]") {
  const MeshTopology mesh{5, 4};
  for (bool bypass : {false, true})  // body flits wait R-2 cycles before switch allocation, or none
  for (uint32_t stages : {1u, 3u, 4u, 6u})
    for (uint32_t link : {0u, 1u, 3u})
      for (uint32_t vcs : {1u, 4u})
        for (uint32_t flits : {1u, 3u, 9u})
          for (NocRouting r : {NocRouting::XY, NocRouting::YX, NocRouting::WestFirst})
            for (Engine e : {Engine::Packet, Engine::RouterDetail, Engine::ExactWormhole}) {
              if (e == Engine::RouterDetail && vcs == 1) continue;  // router detail takes several VCs
              if (e == Engine::ExactWormhole && (vcs > 1 || r == NocRouting::WestFirst || link == 0)) continue;
              NocConfig c;
              c.width = mesh.width;
              c.height = mesh.height;
              c.router_stages = stages;
              c.link_latency = link;
              c.credit_latency = 1;
              c.routing = r;
              c.num_vcs = vcs;
              c.vc_buffer_flits = 4;  // shallower than the longer packets: body flits wait for credits
              c.body_flit_bypass = bypass;
              for (auto [src, dst] : {std::pair<uint32_t, uint32_t>{0, 19}, {19, 0}, {7, 7}, {3, 16}}) {
                INFO(engine_name(e) << (bypass ? ", bypass" : "") << ": stages " << stages << " link " << link << " VCs " << vcs << " flits "
                                    << flits << " routing " << to_string(r) << " " << src << " -> " << dst);
                CHECK(one_packet(engine_config(c, e), src, dst, flits) ==
                      one_packet(engine_config(c, Engine::Flit), src, dst, flits));
              }
            }
}

TEST_CASE("occupancy under load: Little's law, and the packet engines against the flit model", "[noc]") {
  // 4x4 uniform traffic at about half of saturation. The packet model counts each flit's stay
  // when its packet is injected, with its own waits; the exact wormhole engine gives the flit
  // model's stays (counted when timed, so a window's edges differ by a fraction of a per cent).
  struct Point {
    uint32_t flits, vcs, buffer;
    double rate;
  };
  for (const Point& pt : {Point{1, 4, 8, 0.4}, Point{8, 1, 4, 0.15}, Point{4, 2, 4, 0.3}}) {
    NocConfig c;
    c.num_vcs = pt.vcs;
    c.vc_buffer_flits = pt.buffer;
    TrafficConfig t;
    t.injection_rate = pt.rate;
    t.packet_flits = pt.flits;
    t.warmup_cycles = 1000;
    t.measure_cycles = 8000;
    auto flit = make_noc_model(engine_config(c, Engine::Flit));
    const TrafficResult rf = run_synthetic_traffic(*flit, t);
    REQUIRE_FALSE(rf.saturated);
    std::vector<Engine> engines{Engine::Flit, Engine::Packet};
    engines.push_back(pt.vcs > 1 ? Engine::RouterDetail : Engine::ExactWormhole);
    for (Engine e : engines) {
      TrafficResult r = rf;  // the flit model's run, made above; each packet engine's own run
      if (e != Engine::Flit) {
        auto m = make_noc_model(engine_config(c, e));
        r = run_synthetic_traffic(*m, t);
      }
      INFO(engine_name(e) << ", " << pt.flits << "-flit packets at " << pt.rate << ": occupancy " << r.router_occupancy
                          << " (flit model " << rf.router_occupancy << "), accepted " << r.accepted << ", latency "
                          << r.packet_latency.mean << " (flit model " << rf.packet_latency.mean << ")");
      // Little's law: the flits buffered per router are the flits accepted per node and cycle
      // times the cycles each stays in the network's buffers. A 1-flit packet is written when it
      // is created (an interface writes one flit per cycle) and stays until its switch allocation
      // at the destination: its latency less switch traversal.
      if (pt.flits == 1) CHECK(r.router_occupancy == Approx(r.accepted * (r.packet_latency.mean - 2.0)).epsilon(0.01));
      if (e == Engine::ExactWormhole) CHECK(r.router_occupancy == Approx(rf.router_occupancy).epsilon(0.002));
      // Measured: within 1 % with 1- and 8-flit packets; with 4-flit packets over 2 VCs +7 % (plain)
      // and +9 % (router detail): a packet split by contention in the flit model has its body
      // flits catch up (body-flit bypass: they skip the R-2 cycles before switch allocation), while
      // the packet model keeps a packet's flits together (+5 % and +6 % without bypass).
      if (e != Engine::Flit) CHECK(r.router_occupancy == Approx(rf.router_occupancy).epsilon(0.1));
    }
  }
}

TEST_CASE("zero-load occupancy of a multicast tree: each router of the tree buffers the flits once", "[noc]") {
  // 4x4, XY tree from node 0 to 3, 12 and 15: east along the top row (branching south at 0 and
  // 3), down the left and right columns. A router of the tree holds each flit for the hop's
  // pipeline and link (2 cycles at the source), whatever the number of branches it feeds.
  for (uint32_t vcs : {1u, 4u}) {
    NocConfig c;
    c.num_vcs = vcs;
    c.fidelity = NocFidelity::Packet;
    auto m = make_noc_model(c);
    m->inject_multicast(NocPacket{1, 0, 3, 3, 0, 0}, {3, 12, 15});
    m->advance_to(1000);
    REQUIRE(m->idle());
    std::vector<uint64_t> expected(16, 0);
    for (uint32_t node : {0u, 1u, 2u, 3u, 4u, 8u, 12u, 7u, 11u, 15u}) expected[node] = 3 * (node == 0 ? 2 : 5);
    INFO(vcs << " VCs");
    CHECK(m->stats().occupancy_flit_cycles == expected);
  }
}
