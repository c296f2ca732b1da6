// A single packet in an empty network: latency is the router pipeline and link latency per hop
// plus serialisation, (h+1)*R + h*L + F-1 cycles (flit_network_model.h), for both fidelities.
#include <catch2/catch.hpp>

#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_model.h"

using namespace star;

namespace {
DeliveredPacket send_one(const NocConfig& c, uint32_t src, uint32_t dst, uint32_t flits, uint64_t at) {
  auto m = make_noc_model(c);
  m->advance_to(at);
  m->inject(NocPacket{7, src, dst, flits, 0, at});
  m->advance_to(at + 10000);
  std::vector<DeliveredPacket> out;
  m->take_delivered(out);
  REQUIRE(out.size() == 1);
  REQUIRE(m->idle());
  return out[0];
}
}  // namespace

TEST_CASE("zero-load latency by hand: 4x4 corner to corner, defaults", "[noc]") {
  NocConfig c;  // R = 4, L = 1
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    c.fidelity = f;
    // (0,0) -> (3,3): 6 hops, 7 routers: 7*4 + 6*1 = 34 cycles for the head; +4 for 5 flits.
    const DeliveredPacket d = send_one(c, 0, 15, 5, 3);
    CHECK(d.hops == 6);
    CHECK(d.head_latency() == 34);
    CHECK(d.latency() == 38);
    CHECK(d.packet.id == 7);
  }
}

TEST_CASE("zero-load latency equals pipeline plus links plus serialisation", "[noc]") {
  const MeshTopology mesh{5, 4};
  for (uint32_t stages : {1u, 2u, 3u, 4u, 6u})
    for (uint32_t link : {0u, 1u, 3u})
      for (uint32_t flits : {1u, 2u, 9u})
        for (NocRouting r : {NocRouting::XY, NocRouting::YX, NocRouting::WestFirst})
          for (int variant = 0; variant < 4; ++variant) {  // flit, packet, packet with router detail, flit with 2 SA iterations
            const NocFidelity f = variant == 0 || variant == 3 ? NocFidelity::Flit : NocFidelity::Packet;
            NocConfig c;
            c.packet_router_detail = variant == 2;
            c.switch_alloc_iterations = variant == 3 ? 2 : 1;
            c.width = mesh.width;
            c.height = mesh.height;
            c.router_stages = stages;
            c.link_latency = link;
            c.routing = r;
            c.fidelity = f;
            c.vc_buffer_flits = 16;  // longer than any credit loop here: one flit per cycle
            for (auto [src, dst] : {std::pair<uint32_t, uint32_t>{0, 19}, {19, 0}, {7, 7}, {3, 16}}) {
              const uint64_t h = mesh.hops(src, dst);
              const DeliveredPacket d = send_one(c, src, dst, flits, 0);
              INFO("stages " << stages << " link " << link << " flits " << flits << " routing "
                             << to_string(r) << " fidelity " << to_string(f) << (variant == 2 ? " detail " : variant == 3 ? " 2 iterations " : " ") << src << "->" << dst);
              CHECK(d.head_latency() == (h + 1) * stages + h * link);
              CHECK(d.latency() == (h + 1) * stages + h * link + flits - 1);
            }
          }
}

TEST_CASE("deep enough buffers stream at one flit per cycle", "[noc]") {
  NocConfig c;  // 8-flit buffers cover the 7-cycle credit loop of R=4, L=1, credit 1
  const DeliveredPacket d = send_one(c, 0, 3, 16, 0);
  CHECK(d.latency() == 4 * 4 + 3 * 1 + 15);
}

TEST_CASE("a shallow buffer throttles a packet to buffer/credit-loop flits per cycle", "[noc]") {
  for (bool bypass : {false, true})
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet})
    for (uint32_t depth : {1u, 3u}) {
      NocConfig c;
      c.fidelity = f;
      c.vc_buffer_flits = depth;  // `depth` flits per credit round trip
      c.num_vcs = 1;
      c.body_flit_bypass = bypass;
      INFO(to_string(f) << " depth " << depth << (bypass ? ", bypass" : ""));
      // The credit loop here: flit waits R-2 = 2 cycles, SA+ST 2, link 1, credit back L+1 = 2:
      // 7 cycles. 7 flits over 2 hops: the tail leaves floor(6/depth) loops + 6 % depth after the
      // head. With body-flit bypass a body flit does not wait the 2 cycles, so at the destination
      // (no credit to wait for) the blocks after the first arrive 7 - 2 = 5 cycles apart.
      const DeliveredPacket d = send_one(c, 0, 2, 7, 0);
      CHECK(d.head_latency() == 3 * 4 + 2 * 1);
      CHECK(d.latency() - d.head_latency() == 6 / depth * (bypass ? 5 : 7) + 6 % depth);
    }
}

TEST_CASE("energy counts of one packet follow its path", "[noc]") {
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    NocConfig c;
    c.fidelity = f;
    auto m = make_noc_model(c);
    m->inject(NocPacket{1, 0, 6, 3, 0, 0});  // (0,0)->(2,1): 3 hops, 4 routers, 3 flits
    m->advance_to(1000);
    const NocStats s = m->stats();
    CHECK(s.energy.buffer_writes == 3 * 4);
    CHECK(s.energy.buffer_reads == 3 * 4);
    CHECK(s.energy.crossbar == 3 * 4);
    CHECK(s.energy.routing == 4);
    CHECK(s.energy.link_flits == 3 * 3);
    CHECK(s.link_flits[0 * kNocPorts + kPortEast] == 3);
    CHECK(s.link_flits[1 * kNocPorts + kPortEast] == 3);
    CHECK(s.link_flits[2 * kNocPorts + kPortSouth] == 3);
    CHECK(s.link_flits[6 * kNocPorts + kPortLocal] == 3);
    CHECK(s.packets_delivered == 1);
    CHECK(s.flits_delivered == 3);
  }
}

TEST_CASE("body-flit bypass by hand: a throttled packet catches up near its destination", "[noc]") {
  // 4x4 corner to corner (6 hops), 1 VC x 4 flits, 16 flits: the blocks of 4 flits leave each
  // router a credit loop apart. Without bypass the loop is 7 cycles everywhere (R-2 = 2 before
  // switch allocation, switch 2, link 1, credit back 2): the tail trails the head by 3*7 + 3.
  // With it a body flit's loop is 5 (no 2 cycles before switch allocation), but a block's credit
  // still waits for the head's wait downstream, which only the destination does not have: there
  // the blocks leave 5 apart, 3*5 + 3 behind the head; one router before it 7, 12, 17.
  NocConfig c;
  c.num_vcs = 1;
  c.vc_buffer_flits = 4;
  for (bool bypass : {false, true})
    for (int engine = 0; engine < 3; ++engine) {  // flit, packet, exact wormhole
      c.body_flit_bypass = bypass;
      c.fidelity = engine == 0 ? NocFidelity::Flit : NocFidelity::Packet;
      c.packet_exact_wormhole = engine == 2;
      INFO((bypass ? "bypass, " : "no bypass, ") << "engine " << engine);
      const DeliveredPacket d = send_one(c, 0, 15, 16, 0);
      CHECK(d.head_latency() == 34);
      CHECK(d.latency() - d.head_latency() == (bypass ? 3 * 5 + 3 : 3 * 7 + 3));
    }
}

// Shallow buffers throttle a packet (below the credit loop; a packet to its own node by its local
// buffer, a loop of one cycle plus the wait before switch allocation), with or without bypass.
TEST_CASE("every packet engine times a lone packet as the flit model, throttled or not, with and without body-flit bypass",
          "[noc]") {
  const MeshTopology mesh{5, 4};
  for (bool bypass : {false, true})
  for (uint32_t stages : {1u, 2u, 3u, 4u, 6u})
    for (uint32_t link : {0u, 1u, 3u})
      for (uint32_t depth : {1u, 3u, 4u, 16u})
        for (uint32_t vcs : {1u, 4u})
          for (uint32_t flits : {2u, 9u, 17u})
            for (NocRouting r : {NocRouting::XY, NocRouting::YX, NocRouting::WestFirst})
              for (int engine = 1; engine < 4; ++engine) {  // packet, router detail, exact wormhole
                if (engine == 2 && vcs == 1) continue;  // router detail takes several VCs
                if (engine == 3 && (vcs > 1 || r == NocRouting::WestFirst || depth > 8)) continue;
                NocConfig c;
                c.width = mesh.width;
                c.height = mesh.height;
                c.router_stages = stages;
                c.link_latency = link;
                c.credit_latency = link == 0 ? 2 : 1;
                c.routing = r;
                c.num_vcs = vcs;
                c.vc_buffer_flits = depth;
                c.body_flit_bypass = bypass;
                NocConfig p = c;
                p.fidelity = NocFidelity::Packet;
                p.packet_router_detail = engine == 2;
                p.packet_exact_wormhole = engine == 3;
                for (auto [src, dst] : {std::pair<uint32_t, uint32_t>{0, 19}, {19, 0}, {7, 7}, {3, 16}}) {
                  INFO("engine " << engine << (bypass ? ", bypass" : "") << ": stages " << stages << " link " << link << " depth " << depth << " VCs "
                                 << vcs << " flits " << flits << " routing " << to_string(r) << " " << src << "->" << dst);
                  const DeliveredPacket want = send_one(c, src, dst, flits, 0), got = send_one(p, src, dst, flits, 0);
                  CHECK(got.head_latency() == want.head_latency());
                  CHECK(got.latency() == want.latency());
                }
              }
}
