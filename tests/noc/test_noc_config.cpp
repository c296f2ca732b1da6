#include <catch2/catch.hpp>

#include <stdexcept>

#include "noc/noc_config.h"
#include "noc/noc_model.h"
#include "noc/noc_stats.h"

using namespace star;

TEST_CASE("noc config defaults follow STAR-SPEC section 5", "[noc]") {
  NocConfig c;
  CHECK(c.routing == NocRouting::XY);
  CHECK(c.flit_bits == 128);
  CHECK(c.clock_ghz == 1.0);
  CHECK(c.num_vcs == 4);
  CHECK(c.vc_buffer_flits == 8);
  CHECK(c.router_stages == 4);
  CHECK_NOTHROW(c.validate());
}

TEST_CASE("noc config rejects out-of-range parameters with a message", "[noc]") {
  auto bad = [](auto change, const char* what) {
    NocConfig c;
    change(c);
    try {
      c.validate();
      FAIL("no exception for " << what);
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(what) != std::string::npos);
    }
  };
  bad([](NocConfig& c) { c.width = 0; }, "width");
  bad([](NocConfig& c) { c.num_vcs = 3; c.num_vc_classes = 2; }, "num_vcs must be a multiple");
  bad([](NocConfig& c) { c.vc_buffer_flits = 0; }, "vc_buffer_flits");
  bad([](NocConfig& c) { c.router_stages = 9; }, "router_stages");
  bad([](NocConfig& c) { c.switch_alloc_iterations = 0; }, "switch_alloc_iterations");
  bad([](NocConfig& c) { c.switch_alloc_iterations = 5; }, "switch_alloc_iterations");
  bad([](NocConfig& c) { c.flit_bits = 12; }, "flit_bits");
  auto exact = [](NocConfig& c) {  // the exact wormhole model's domain
    c.fidelity = NocFidelity::Packet;
    c.packet_exact_wormhole = true;
    c.num_vcs = 1;
    c.vc_buffer_flits = 4;
  };
  CHECK_NOTHROW([&] { NocConfig c; exact(c); c.validate(); }());
  bad([&](NocConfig& c) { exact(c); c.num_vcs = 2; }, "packet_exact_wormhole needs one VC per port and one class");
  bad([&](NocConfig& c) { exact(c); c.num_vcs = 2; c.num_vc_classes = 2; }, "one VC per port and one class");
  bad([&](NocConfig& c) { exact(c); c.routing = NocRouting::WestFirst; }, "dimension-order routing");
  bad([&](NocConfig& c) { exact(c); c.vc_buffer_flits = 65; }, "vc_buffer_flits <= 64");
  CHECK_NOTHROW([&] { NocConfig c; exact(c); c.vc_buffer_flits = 64; c.validate(); }());
  bad([&](NocConfig& c) { exact(c); c.link_latency = 0; c.credit_latency = 0; }, "link_latency + credit_latency >= 1");
  bad([&](NocConfig& c) { exact(c); c.width = 40; c.height = 30; }, "width + height <= 65");
  CHECK_NOTHROW([&] { NocConfig c; exact(c); c.fidelity = NocFidelity::Flit; c.num_vcs = 4; c.validate(); }());
  CHECK_THROWS_AS(parse_noc_routing("zigzag"), std::invalid_argument);
  CHECK_THROWS_AS(parse_noc_fidelity("cycle"), std::invalid_argument);
  CHECK(parse_noc_routing("west_first") == NocRouting::WestFirst);
}

TEST_CASE("noc models reject bad packets", "[noc]") {
  NocConfig c;
  c.width = 2;
  c.height = 2;
  for (int variant = 0; variant < 3; ++variant) {  // flit, packet, packet with exact wormhole
    c.fidelity = variant == 0 ? NocFidelity::Flit : NocFidelity::Packet;
    c.packet_exact_wormhole = variant == 2;
    c.num_vcs = variant == 2 ? 1 : 4;
    auto m = make_noc_model(c);
    CHECK_THROWS_AS(m->inject(NocPacket{1, 0, 4, 1, 0, 0}), std::invalid_argument);
    CHECK_THROWS_AS(m->inject(NocPacket{1, 0, 1, 0, 0, 0}), std::invalid_argument);
    CHECK_THROWS_AS(m->inject(NocPacket{1, 0, 1, 1, 1, 0}), std::invalid_argument);
    m->advance_to(10);
    CHECK_THROWS_AS(m->inject(NocPacket{1, 0, 1, 1, 0, 5}), std::invalid_argument);
  }
}

TEST_CASE("noc energy scales the 32-bit Noxim table to the flit width", "[noc]") {
  NocConfig c;  // 128-bit flits: 4x the per-32-bit numbers
  NocEnergyCounts n;
  n.buffer_writes = 10;
  n.buffer_reads = 10;
  n.crossbar = 10;
  n.routing = 2;
  n.link_flits = 5;
  const NocEnergyBreakdown e = noc_energy(n, c);
  CHECK(e.buffer_pj == Approx(4 * 10 * (0.76 + 0.53)));
  CHECK(e.crossbar_pj == Approx(4 * 10 * 0.22));
  CHECK(e.routing_pj == Approx(2 * 0.06));
  CHECK(e.link_pj == Approx(5 * 128 * 0.049 * 1.0));
}

TEST_CASE("noc config names where the packet model is far off: shallow buffers with several VCs", "[noc]") {
  NocConfig c;  // 4 VCs x 8 flits, credit loop 4 + 2 + 1 = 7
  CHECK(c.credit_loop() == 7);
  c.fidelity = NocFidelity::Packet;
  CHECK(c.packet_model_caveat(1).empty());
  CHECK(c.packet_model_caveat(472).empty());  // 8 >= 7: nothing throttled
  c.vc_buffer_flits = 2;
  CHECK(c.packet_model_caveat(2).empty());  // no longer than a buffer, and 8 credits cover the loop
  CHECK(c.packet_model_caveat(NocConfig::kShallowFlitByFlit).empty());  // throttled, timed flit by flit
  CHECK_THAT(c.packet_model_caveat(NocConfig::kShallowFlitByFlit + 1),
             Catch::StartsWith("packet fidelity with 4 VCs of 2 flits per class: buffers shallower than the credit "
                               "loop (7 cycles) throttle packets longer than a buffer, and beyond 64 flits the "
                               "packet model keeps a link for a throttled packet's whole span"));
  c.vc_buffer_flits = 1;
  CHECK_THAT(c.packet_model_caveat(1),
             Catch::StartsWith("packet fidelity with 4 VCs of 1 flit per class: the VCs' credits (4) cover less than "
                               "the credit loop (7 cycles)"));
  c.num_vcs = 1;  // wormhole: timed flit by flit
  c.vc_buffer_flits = 2;
  CHECK(c.packet_model_caveat(8).empty());
  c.num_vcs = 4;
  c.vc_buffer_flits = 8;
  c.link_latency = 20;  // loop 45: 32 credits fall short
  CHECK(c.credit_loop() == 45);
  CHECK_THAT(c.packet_model_caveat(1), Catch::Contains("the VCs' credits (32) cover less than the credit loop (45 cycles)"));
  c.fidelity = NocFidelity::Flit;
  CHECK(c.packet_model_caveat(1).empty());
}
