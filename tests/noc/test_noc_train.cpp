// Trains: a message longer than a packet (NocPacket::packets > 1), timed by the packet model as
// one occupancy of all its packets on every link; models that cannot time them refuse them.
#include <catch2/catch.hpp>

#include <vector>

#include "noc/noc_model.h"

using namespace star;

namespace {
std::vector<DeliveredPacket> drain(NocModel& m, uint64_t until) {
  m.advance_to(until);
  std::vector<DeliveredPacket> out;
  m.take_delivered(out);
  return out;
}
}  // namespace

TEST_CASE("a train crosses an empty mesh like one packet of all its flits", "[noc]") {
  NocConfig c;  // 4x4, R = 4, L = 1, 4 VCs x 8 flits: deeper than the credit loop
  c.fidelity = NocFidelity::Packet;
  auto m = make_noc_model(c);
  REQUIRE(m->times_trains());
  const uint32_t flits = 2 * kMaxPacketFlits + 100;
  NocPacket train{7, 0, 15, flits, 0, 3};
  train.packets = 3;
  m->inject(train);
  const auto out = drain(*m, 300000);
  REQUIRE(out.size() == 1);
  CHECK(out[0].head_latency() == 34);             // 7 routers x 4 + 6 links
  CHECK(out[0].latency() == 34 + flits - 1);      // then every flit back to back
  CHECK(m->stats().packets_injected == 3);
  CHECK(m->stats().packets_delivered == 3);
  CHECK(m->stats().flits_delivered == flits);
  CHECK(m->idle());
}

TEST_CASE("a train holds its links: a long packet behind it waits for its tail, a short one passes", "[noc]") {
  NocConfig c;
  c.fidelity = NocFidelity::Packet;
  auto m = make_noc_model(c);
  NocPacket train{1, 0, 3, 3 * kMaxPacketFlits, 0, 0};
  train.packets = 3;
  m->inject(train);
  // Both share the links (1,0)->(2,0)->(3,0) and the ejection. The 16-flit packet (longer than a
  // buffer) waits for the train's tail; the 1-flit one, written by their interface first, passes
  // the stream on its own VC at once (zero load over 2 hops: 3 * 4 + 2 = 14 cycles).
  m->inject(NocPacket{3, 1, 3, 1, 0, 100});
  m->inject(NocPacket{2, 1, 3, 16, 0, 100});
  const auto out = drain(*m, 400000);
  REQUIRE(out.size() == 3);
  auto find = [&out](uint64_t id) {
    for (const DeliveredPacket& d : out)
      if (d.packet.id == id) return d;
    FAIL("packet " << id << " not delivered");
    return DeliveredPacket{};
  };
  const DeliveredPacket behind = find(2), t = find(1), passing = find(3);
  CHECK(behind.tail_cycle > t.tail_cycle);
  CHECK(passing.latency() == 14);
  // Multicast trains take the same occupancy on every branch.
  auto mc = make_noc_model(c);
  NocPacket copy{10, 5, 0, kMaxPacketFlits + 1, 0, 0};
  copy.packets = 2;
  mc->inject_multicast(copy, {0, 15});
  const auto both = drain(*mc, 200000);
  REQUIRE(both.size() == 2);
  for (const DeliveredPacket& d : both) CHECK(d.latency() - d.head_latency() == kMaxPacketFlits);
  CHECK(mc->stats().packets_injected == 4);
}

TEST_CASE("trains are refused where they cannot be timed or do not add up", "[noc]") {
  NocConfig c;
  for (NocFidelity f : {NocFidelity::Flit, NocFidelity::Packet}) {
    c.fidelity = f;
    c.num_vcs = f == NocFidelity::Flit ? 4 : 1;  // flit model; packet model with one VC (wormhole by flits)
    auto m = make_noc_model(c);
    CHECK_FALSE(m->times_trains());
    NocPacket train{1, 0, 5, 100000, 0, 0};
    train.packets = 2;
    CHECK_THROWS_WITH(m->inject(train), Catch::Contains("does not time trains"));
  }
  c.fidelity = NocFidelity::Packet;
  c.num_vcs = 4;
  auto m = make_noc_model(c);
  NocPacket train{1, 0, 5, 1, 0, 0};
  train.packets = 2;  // fewer flits than packets
  CHECK_THROWS_WITH(m->inject(train), Catch::Contains("65536 flits per packet"));
  train.flits = 2 * kMaxPacketFlits + 1;  // more than two full packets
  CHECK_THROWS_WITH(m->inject(train), Catch::Contains("65536 flits per packet"));
  train.packets = 0;
  CHECK_THROWS_WITH(m->inject(train), Catch::Contains("at least one packet"));
}
