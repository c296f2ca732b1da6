// Every packet injected comes out exactly once, at any load (also far above saturation), and
// credit flow control never writes into a full buffer.
#include <catch2/catch.hpp>

#include <vector>

#include "noc/noc_model.h"
#include "noc/synthetic_traffic.h"

using namespace star;

namespace {
void check_conservation(const NocConfig& c, TrafficPattern pattern, double rate, uint32_t flits,
                        uint64_t cycles, uint64_t seed) {
  auto m = make_noc_model(c);
  const MeshTopology mesh{c.width, c.height};
  TrafficConfig t;
  t.pattern = pattern;
  t.hotspot_node = c.nodes() / 2;
  t.hotspot_fraction = 0.3;
  TrafficRng rng(seed);
  std::vector<uint32_t> seen;
  std::vector<DeliveredPacket> out;
  uint64_t id = 0;
  const double p = rate / flits;
  for (uint64_t cyc = 0; cyc < cycles; ++cyc) {
    for (uint32_t s = 0; s < c.nodes(); ++s) {
      if (rng.uniform() > p) continue;
      const uint32_t d = traffic_destination(t, mesh, s, rng);
      if (d == s) continue;
      m->inject(NocPacket{id++, s, d, flits, uint32_t(rng.below(c.num_vc_classes)), cyc});
    }
    m->advance_to(cyc + 1);
  }
  seen.assign(id, 0);
  uint64_t guard = cycles;
  while (!m->idle() && guard < cycles + 2000000) {
    guard += 1000;
    m->advance_to(guard);
  }
  REQUIRE(m->idle());
  m->take_delivered(out);
  CHECK(out.size() == id);
  for (const DeliveredPacket& d : out) {
    REQUIRE(d.packet.id < id);
    ++seen[d.packet.id];
    CHECK(d.tail_cycle >= d.head_cycle + d.packet.flits - 1);
    CHECK(d.head_cycle > d.packet.created_cycle);
  }
  uint64_t once = 0;
  for (uint32_t n : seen) once += n == 1;
  CHECK(once == id);
  const NocStats s = m->stats();
  CHECK(s.packets_injected == id);
  CHECK(s.packets_delivered == id);
  CHECK(s.flits_delivered == id * flits);
  CHECK(s.buffer_overflows == 0);
  CHECK(s.max_vc_occupancy <= c.vc_buffer_flits);
}
}  // namespace

TEST_CASE("no packet lost or duplicated, no buffer overflow, at any load", "[noc]") {
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet})
    for (NocRouting r : {NocRouting::XY, NocRouting::YX, NocRouting::WestFirst})
      for (double rate : {0.05, 0.4, 1.0}) {
        NocConfig c;
        c.width = 4;
        c.height = 4;
        c.fidelity = f;
        c.routing = r;
        INFO(to_string(f) << " " << to_string(r) << " rate " << rate);
        check_conservation(c, TrafficPattern::UniformRandom, rate, 4, 1500, 11);
      }
}

TEST_CASE("flit model with 2 and 4 switch allocator iterations: no packet lost or duplicated at any load", "[noc]") {
  for (uint32_t iterations : {2u, 4u})
    for (NocRouting r : {NocRouting::XY, NocRouting::WestFirst})
      for (double rate : {0.05, 0.4, 1.0})
        for (uint32_t flits : {1u, 4u}) {
          NocConfig c;
          c.width = 4;
          c.height = 4;
          c.routing = r;
          c.switch_alloc_iterations = iterations;
          INFO(iterations << " iterations " << to_string(r) << " rate " << rate << " flits " << flits);
          check_conservation(c, TrafficPattern::UniformRandom, rate, flits, 1500, 13);
        }
}

TEST_CASE("packet model with router detail: no packet lost or duplicated at any load", "[noc]") {
  for (NocRouting r : {NocRouting::XY, NocRouting::WestFirst})
    for (double rate : {0.05, 0.4, 1.0})
      for (uint32_t flits : {1u, 4u}) {
        NocConfig c;
        c.width = 4;
        c.height = 4;
        c.fidelity = NocFidelity::Packet;
        c.packet_router_detail = true;
        c.routing = r;
        INFO(to_string(r) << " rate " << rate << " flits " << flits);
        check_conservation(c, TrafficPattern::UniformRandom, rate, flits, 1500, 13);
      }
  NocConfig c;  // two classes of two VCs each
  c.num_vc_classes = 2;
  c.fidelity = NocFidelity::Packet;
  c.packet_router_detail = true;
  check_conservation(c, TrafficPattern::Transpose, 1.0, 1, 1500, 5);
}

TEST_CASE("tiny buffers, one VC, long packets, hotspot: credits hold and all packets arrive", "[noc]") {
  for (uint32_t depth : {1u, 2u, 3u}) {
    NocConfig c;
    c.width = 5;
    c.height = 3;
    c.num_vcs = 1;
    c.vc_buffer_flits = depth;
    c.routing = NocRouting::WestFirst;
    INFO("depth " << depth);
    check_conservation(c, TrafficPattern::Hotspot, 0.8, 7, 1500, depth);
  }
}

TEST_CASE("two classes (request/response) on separate VCs both drain under overload", "[noc]") {
  NocConfig c;
  c.width = 4;
  c.height = 4;
  c.num_vc_classes = 2;
  c.num_vcs = 2;
  c.vc_buffer_flits = 2;
  check_conservation(c, TrafficPattern::Transpose, 1.0, 3, 1500, 5);
  check_conservation(c, TrafficPattern::BitComplement, 1.0, 1, 1500, 6);
}

TEST_CASE("body-flit bypass: no packet lost or duplicated, no buffer overflow, at any load", "[noc]") {
  // Shallow buffers (the body flits then catch up and wait for credits), one VC and four; every engine.
  for (int engine = 0; engine < 3; ++engine)  // flit, packet, exact wormhole (one VC)
    for (uint32_t vcs : {1u, 4u})
      for (double rate : {0.05, 0.4, 1.0}) {
        if (engine == 2 && vcs > 1) continue;
        NocConfig c;
        c.width = 4;
        c.height = 4;
        c.num_vcs = vcs;
        c.vc_buffer_flits = 3;
        c.body_flit_bypass = true;
        c.fidelity = engine == 0 ? NocFidelity::Flit : NocFidelity::Packet;
        c.packet_exact_wormhole = engine == 2;
        INFO("engine " << engine << ", " << vcs << " VCs, rate " << rate);
        check_conservation(c, TrafficPattern::UniformRandom, rate, 7, 1500, 12);
      }
}
