// Two packets meet at one output in the same cycle: the allocators' conflicts, by hand, in every
// engine. On a 3x1 mesh (R = 4, L = 1) A goes 0 -> 1 and B 2 -> 1, both created at cycle 0; alone
// each takes (h+1)*R + h*L + F-1 = 9 + F-1 cycles (h = 1), and both heads reach router 1 in the
// same cycle, from its west input (A) and its east input (B), and ask for its ejection port.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "noc/noc_model.h"

using namespace star;

namespace {

struct Pair {
  DeliveredPacket a, b;
};

Pair meet(const NocConfig& base, uint32_t flits) {
  NocConfig c = base;
  c.width = 3;
  c.height = 1;
  auto m = make_noc_model(c);
  m->inject(NocPacket{1, 0, 1, flits, 0, 0});  // A, injected first
  m->inject(NocPacket{2, 2, 1, flits, 0, 0});  // B
  m->advance_to(200);
  std::vector<DeliveredPacket> out;
  m->take_delivered(out);
  REQUIRE(out.size() == 2);
  REQUIRE(m->idle());
  return out[0].packet.id == 1 ? Pair{out[0], out[1]} : Pair{out[1], out[0]};
}

// Every packet of `packets`, injected in that order into a `width` x 1 mesh, delivered by cycle
// 500: by id.
std::map<uint64_t, DeliveredPacket> run_row(NocConfig c, uint32_t width, const std::vector<NocPacket>& packets) {
  c.width = width;
  c.height = 1;
  auto m = make_noc_model(c);
  for (const NocPacket& p : packets) m->inject(p);
  m->advance_to(500);
  std::vector<DeliveredPacket> out;
  m->take_delivered(out);
  REQUIRE(out.size() == packets.size());
  std::map<uint64_t, DeliveredPacket> by_id;
  for (const DeliveredPacket& d : out) by_id.emplace(d.packet.id, d);
  return by_id;
}

NocConfig vcs(uint32_t n, uint32_t depth, NocFidelity f) {
  NocConfig c;
  c.num_vcs = n;
  c.vc_buffer_flits = depth;
  c.fidelity = f;
  return c;
}

}  // namespace

TEST_CASE("two 1-flit packets meet at an output: the switch allocator sends one a cycle later", "[noc]") {
  // Four VCs: both heads get an ejection VC in the same cycle, then ask the switch for the one
  // output. The flit model's output arbiter starts its round robin at the local port (0), so the
  // east input (1, B) comes before the west input (2, A): B at 9 cycles, A one cycle later. The
  // packet model reserves in injection order (A first) and charges nothing here (the loser waits
  // the cycle it lost): the same two latencies, the other way round.
  const Pair flit = meet(vcs(4, 8, NocFidelity::Flit), 1);
  CHECK(flit.b.latency() == 9);
  CHECK(flit.a.latency() == 10);
  for (bool detail : {false, true}) {
    NocConfig c = vcs(4, 8, NocFidelity::Packet);
    c.packet_router_detail = detail;
    INFO((detail ? "router detail" : "packet model"));
    const Pair p = meet(c, 1);
    CHECK(p.a.latency() == 9);
    CHECK(p.b.latency() == 10);
  }
}

TEST_CASE("two packets meet at an output with one VC: the loser is allocated it after the winner's tail",
          "[noc]") {
  // One VC: VC allocation gives the ejection port to B (round robin from the local port); A's
  // head is allocated it the cycle after B's tail left (VC allocation), then wins the switch a
  // cycle later: A's head leaves 2 cycles after B's tail. 1-flit packets: B 9, A 11; 4-flit
  // packets: B 9 to 12, A 14 to 17. The exact wormhole engine gives the flit model's cycles.
  for (uint32_t flits : {1u, 4u}) {
    INFO(flits << "-flit packets");
    NocConfig exact = vcs(1, 4, NocFidelity::Packet);
    exact.packet_exact_wormhole = true;
    for (const NocConfig& c : {vcs(1, 4, NocFidelity::Flit), exact}) {
      INFO("fidelity " << to_string(c.fidelity));
      const Pair p = meet(c, flits);
      CHECK(p.b.head_latency() == 9);
      CHECK(p.b.latency() == 9 + flits - 1);
      CHECK(p.a.head_latency() == p.b.latency() + 2);
      CHECK(p.a.latency() == p.b.latency() + 2 + flits - 1);
    }
    // The default packet model (link reservations) frees the port the cycle after the tail: the
    // loser's head one cycle after it, a cycle early (docs/noc.md, "Known limits").
    const Pair p = meet(vcs(1, 4, NocFidelity::Packet), flits);
    CHECK(p.a.head_latency() == 9);
    CHECK(p.b.head_latency() == 9 + flits);
    CHECK(p.b.latency() == 9 + 2 * (flits - 1) + 1);
  }
}

TEST_CASE("two 4-flit packets meet at an output with four VCs: the flit model interleaves them", "[noc]") {
  // Each holds its own ejection VC, so the switch allocator alternates the two inputs flit by
  // flit: B's flits leave at 9, 11, 13, 15 cycles, A's at 10, 12, 14, 16. The packet model sends
  // one packet after the other (A 9 to 12, B 13 to 16): the same last tail, the mean 1.5 cycles
  // lower.
  const Pair flit = meet(vcs(4, 8, NocFidelity::Flit), 4);
  CHECK(flit.b.head_latency() == 9);
  CHECK(flit.b.latency() == 15);
  CHECK(flit.a.head_latency() == 10);
  CHECK(flit.a.latency() == 16);
  const Pair packet = meet(vcs(4, 8, NocFidelity::Packet), 4);
  CHECK(packet.a.head_latency() == 9);
  CHECK(packet.a.latency() == 12);
  CHECK(packet.b.head_latency() == 13);
  CHECK(packet.b.latency() == 16);
}

TEST_CASE("a packet that fits in a buffer passes a long packet's stream on its own VC", "[noc]") {
  // 3x1 mesh, 4 VCs x 8 flits: A (40 flits, 0 -> 2, created at 0) streams through router 1's
  // east output from cycle 11 on; B (1 -> 2, created at 10) asks for that output while it does.
  // The flit routers' switch allocator alternates the two inputs' VCs: a 1-flit B leaves at once
  // (9 cycles, zero load) and A's tail a cycle late (54 instead of 14 + 39 = 53); an 8-flit B
  // interleaves with A (tail 23, A's 61). The packet model lets a packet that fits in a buffer pass
  // a longer packet's span (its flits sent at once, B 9 and 16 cycles) and leaves A's lost cycles
  // out (53); the body of one longer than a buffer waits for A's span (tail 52) where the flit
  // routers interleave the two (B's head 9, tail 25), and its head passes A's span but leads its
  // tail by at most 8 x 5 = 40 cycles (its body waited 35 cycles, 4 of its spans): 12 (44 when the
  // head waited with its body).
  struct Case {
    uint32_t flits;
    uint64_t flit_b_head, flit_b_tail, flit_a_tail, packet_b_head, packet_b_tail;
  };
  for (const Case& k : {Case{1, 9, 9, 54, 9, 9}, Case{8, 9, 23, 61, 9, 16}, Case{9, 9, 25, 62, 12, 52}}) {
    INFO("B of " << k.flits << " flits");
    for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
      INFO("fidelity " << to_string(f));
      auto d = run_row(vcs(4, 8, f), 3, {NocPacket{1, 0, 2, 40, 0, 0}, NocPacket{2, 1, 2, k.flits, 0, 10}});
      const DeliveredPacket &a = d[1], &b = d[2];
      CHECK(a.head_latency() == 14);
      const bool flit = f == NocFidelity::Flit;
      CHECK(b.head_latency() == (flit ? k.flit_b_head : k.packet_b_head));
      CHECK(b.latency() == (flit ? k.flit_b_tail : k.packet_b_tail));
      CHECK(a.latency() == (flit ? k.flit_a_tail : 53));
    }
  }
}

TEST_CASE("one VC per class: a short packet of the other class passes a long packet's stream", "[noc]") {
  // 3x1 mesh, 2 classes of 1 VC x 4 flits: A (40 flits, class 1, 0 -> 2, created at 0) streams
  // through router 1's east output from cycle 11 on; B (1 -> 2, created at 10) asks for that
  // output while it does. The flit routers' switch allocator interleaves the two classes' VCs
  // flit by flit: B of class 0 leaves at once (head 9 cycles, zero load), of class 1 it waits for
  // A's tail (its class's only VC). The packet model lets a class-0 B that fits in a buffer pass
  // A's span (its flits sent at once: 4 flits in 12 cycles, not 15) and leaves the cycles A loses
  // out of A's timing (62); a 5-flit B waits for A's span (head 56) where the flit routers
  // interleave the two.
  struct Case {
    uint32_t flits, vc_class;
    uint64_t flit_b_head, flit_b_tail, flit_a_tail, packet_b_head, packet_b_tail;
  };
  for (const Case& k : {Case{1, 0, 9, 9, 63, 9, 9}, Case{4, 0, 9, 15, 66, 9, 12}, Case{5, 0, 9, 17, 66, 56, 61},
                        Case{1, 1, 56, 56, 62, 56, 56}}) {
    INFO("B of " << k.flits << " flits, class " << k.vc_class);
    for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
      INFO("fidelity " << to_string(f));
      NocConfig c = vcs(2, 4, f);
      c.num_vc_classes = 2;
      auto d = run_row(c, 3, {NocPacket{1, 0, 2, 40, 1, 0}, NocPacket{2, 1, 2, k.flits, k.vc_class, 10}});
      const DeliveredPacket &a = d[1], &b = d[2];
      CHECK(a.head_latency() == 14);
      const bool flit = f == NocFidelity::Flit;
      CHECK(b.head_latency() == (flit ? k.flit_b_head : k.packet_b_head));
      CHECK(b.latency() == (flit ? k.flit_b_tail : k.packet_b_tail));
      CHECK(a.latency() == (flit ? k.flit_a_tail : 62));
    }
  }
}

TEST_CASE("the network interface keeps a queue per class: a request is not held behind a long response", "[noc]") {
  // 2x1 mesh, 4 VCs x 8 flits in 2 classes: A (40 flits, class 1, 0 -> 1, created at 0) is being
  // written when B (class 0, 0 -> 1, created at 5) arrives at the same interface. The flit model's
  // interface takes a flit per cycle from each class's queue in turn, so B goes at once (9 cycles,
  // zero load) and passes A's span as a short packet; the packet model had one queue per node (B
  // waited for A's tail to be written: 44 cycles).
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    INFO("fidelity " << to_string(f));
    NocConfig c = vcs(4, 8, f);
    c.num_vc_classes = 2;
    auto d = run_row(c, 2, {NocPacket{1, 0, 1, 40, 1, 0}, NocPacket{2, 0, 1, 1, 0, 5}});
    CHECK(d[2].latency() == 9);
  }
}

TEST_CASE("a long packet waiting further on holds its interface: the next packet of its class waits", "[noc]") {
  // 3x1 mesh, 4 VCs x 8 flits: X (40 flits, 1 -> 2) and A (40 flits, 0 -> 2), both created at 0,
  // meet at router 1's east output; C (0 -> 1, created at 1) is behind A in node 0's interface.
  // The interface writes C once A's tail is in, i.e. once A's flit 31 has left router 0, which
  // waits for room at router 1: C's head leaves 65 cycles after its creation in the flit model. The
  // packet model sends A after X's span (FCFS) where the flit routers interleave the two, so it
  // takes A's drain at router 1 from the arbitration share instead (one flit in two from when A is
  // ready there): 65 as well; it freed the interface when A's flits had been written at one per
  // cycle (48).
  for (const uint32_t flits : {1u, 8u}) {
    INFO("C of " << flits << " flits");
    for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
      INFO("fidelity " << to_string(f));
      auto d = run_row(vcs(4, 8, f), 3,
                       {NocPacket{1, 1, 2, 40, 0, 0}, NocPacket{2, 0, 2, 40, 0, 0}, NocPacket{3, 0, 1, flits, 0, 1}});
      CHECK(d[3].head_latency() == 65);
      CHECK(d[2].latency() == 88);
    }
  }
}
