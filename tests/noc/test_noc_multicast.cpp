// Multicast in the engines: the packet model sends one packet down the dimension-order tree
// (each tree link carries it once, every copy arrives at its unicast zero-load latency); the flit
// model replicates at the source (one packet per destination). Both count a packet per
// destination in and out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_model.h"

using namespace star;

namespace {
uint64_t zero_load(uint64_t hops, uint64_t flits) { return (hops + 1) * 4 + hops + flits - 1; }

std::vector<DeliveredPacket> run_multicast(NocModel& m, const NocPacket& p, const std::vector<uint32_t>& dsts) {
  m.inject_multicast(p, dsts);
  m.advance_to(p.created_cycle + 100000);
  std::vector<DeliveredPacket> out;
  m.take_delivered(out);
  return out;
}

uint64_t link_flit_sum(const NocModel& m) {
  const NocStats s = m.stats();
  return std::accumulate(s.link_flits.begin(), s.link_flits.end(), uint64_t(0));
}
}  // namespace

TEST_CASE("packet model: an XY-tree broadcast reaches every node at its unicast zero-load latency", "[noc]") {
  for (NocRouting routing : {NocRouting::XY, NocRouting::YX})
    for (uint32_t vcs : {4u, 1u}) {
      NocConfig c;
      c.width = c.height = 8;
      c.routing = routing;
      c.num_vcs = vcs;
      c.vc_buffer_flits = vcs == 1 ? 4 : 8;
      c.fidelity = NocFidelity::Packet;
      const MeshTopology mesh{8, 8};
      const uint32_t src = 27, flits = 3;
      std::vector<uint32_t> dsts;
      for (uint32_t n = 63; n-- > 0;) if (n != src) dsts.push_back(n);
      dsts.push_back(63);
      auto m = make_noc_model(c);
      const auto out = run_multicast(*m, NocPacket{100, src, 0, flits, 0, 5}, dsts);
      REQUIRE(out.size() == dsts.size());
      std::vector<bool> seen(64, false);
      for (const DeliveredPacket& d : out) {
        const uint32_t i = uint32_t(d.packet.id - 100);
        REQUIRE(i < dsts.size());
        CHECK(d.packet.dst == dsts[i]);
        CHECK_FALSE(seen[d.packet.dst]);
        seen[d.packet.dst] = true;
        CHECK(d.hops == mesh.hops(src, d.packet.dst));
        // A 1-VC buffer of 4 flits is deeper than 3 flits: no throttling.
        CHECK(d.latency() == zero_load(d.hops, flits));
      }
      const NocStats s = m->stats();
      CHECK(s.packets_injected == 63);
      CHECK(s.packets_delivered == 63);
      CHECK(s.flits_delivered == 63 * flits);
      CHECK(m->idle());
      // A spanning tree: 63 links plus 63 ejections, each carrying the packet once.
      CHECK(link_flit_sum(*m) == (63 + 63) * flits);
      CHECK(s.energy.link_flits == 63 * flits);
      CHECK(s.energy.routing == 64);
    }
}

TEST_CASE("packet model: a branch is reserved once, and a later long packet on a tree link waits behind it", "[noc]") {
  NocConfig c;  // 4x4, XY, 4 VCs x 8
  c.fidelity = NocFidelity::Packet;
  auto m = make_noc_model(c);
  // From node 0 to nodes 3 and 15: the row 0-1-2-3 is shared, then 3-7-11-15.
  m->inject_multicast(NocPacket{0, 0, 0, 16, 0, 0}, {3, 15});
  // Ready for link 1 -> 2 at cycle 6 + 2, one cycle after the tree took it for its 16 flits: a
  // 1-flit packet passes their stream, a 9-flit one (longer than a buffer; written by the
  // interface after it, so ready a cycle later) waits for them.
  m->inject(NocPacket{8, 1, 2, 1, 0, 6});
  m->inject(NocPacket{9, 1, 2, 9, 0, 6});
  m->advance_to(1000);
  std::vector<DeliveredPacket> out;
  m->take_delivered(out);
  REQUIRE(out.size() == 4);
  for (const DeliveredPacket& d : out) {
    if (d.packet.id == 0) CHECK(d.latency() == zero_load(3, 16));
    if (d.packet.id == 1) CHECK(d.latency() == zero_load(6, 16));
    // Waited for the 16 tree flits and the one that passed them (the tree's stream lost that
    // cycle: the link is taken once more after it).
    if (d.packet.id == 9) CHECK(d.latency() == zero_load(1, 9) + 15 + 1);
    if (d.packet.id == 8) CHECK(d.latency() == zero_load(1, 1));
  }
  // Row links 0->1, 1->2, 2->3 and column links 3->7, 7->11, 11->15 once each, two ejections:
  // 8 x 16 flits, plus the unicasts' links and ejections.
  CHECK(link_flit_sum(*m) == 8 * 16 + 2 * 9 + 2 * 1);
}

TEST_CASE("flit model: multicast is source replication, one packet per destination", "[noc]") {
  NocConfig c;
  c.fidelity = NocFidelity::Flit;
  auto m = make_noc_model(c);
  const std::vector<uint32_t> dsts = {15, 0, 6, 12, 3};
  const auto out = run_multicast(*m, NocPacket{10, 5, 0, 4, 0, 0}, dsts);
  REQUIRE(out.size() == dsts.size());
  uint64_t hops = 0;
  for (const DeliveredPacket& d : out) {
    const uint64_t k = d.packet.id - 10;
    REQUIRE(k < dsts.size());
    CHECK(d.packet.dst == dsts[k]);
    CHECK(d.latency() == zero_load(d.hops, 4) + 4 * k);  // F cycles per earlier copy at the source
    hops += d.hops;
  }
  CHECK(m->stats().packets_injected == 5);
  CHECK(m->stats().packets_delivered == 5);
  CHECK(link_flit_sum(*m) == (hops + 5) * 4);  // every copy crosses its own path
}

TEST_CASE("multicast rejects bad destination lists in both fidelities", "[noc]") {
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    NocConfig c;
    c.fidelity = f;
    auto m = make_noc_model(c);
    CHECK_THROWS_WITH(m->inject_multicast(NocPacket{0, 5, 0, 1, 0, 0}, {}), Catch::Contains("no destination"));
    CHECK_THROWS_WITH(m->inject_multicast(NocPacket{0, 5, 0, 1, 0, 0}, {1, 2, 1}), Catch::Contains("node 1 listed twice"));
    CHECK_THROWS_WITH(m->inject_multicast(NocPacket{0, 5, 0, 1, 0, 0}, {5}), Catch::Contains("source node 5"));
    CHECK_THROWS_WITH(m->inject_multicast(NocPacket{0, 5, 0, 1, 0, 0}, {1, 16}), Catch::Contains("destination node 16"));
    CHECK(m->stats().packets_injected == 0);  // nothing sent by a rejected multicast
    CHECK(m->idle());
  }
}
