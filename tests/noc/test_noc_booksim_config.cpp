// The BookSim2 configuration of a star-noc run (booksim_config): the router pipeline, credit
// return, buffers, traffic and measurement map to BookSim2's parameters as derived in
// docs/noc.md ("Comparing with BookSim2"), and what BookSim2's mesh cannot reproduce is refused
// with a message that names it.
#include <catch2/catch.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "noc/booksim_config.h"

using namespace star;

namespace {
bool has(const std::string& text, const std::string& line) { return text.find("\n" + line + "\n") != std::string::npos; }
}  // namespace

TEST_CASE("BookSim2 configuration: the defaults' router, buffers, traffic and measurement", "[noc]") {
  NocConfig noc;  // 4x4, 4 VCs x 8 flits, R = 4, L = 1, credit 1
  TrafficConfig t;
  t.packet_flits = 5;
  t.warmup_cycles = 2000;
  t.measure_cycles = 10000;
  t.seed = 7;
  const std::string c = booksim_config(noc, t, 0.25);
  INFO(c);
  for (const char* line :
       {"topology = mesh;", "k = 4;", "n = 2;", "routing_function = dim_order;", "router = iq;", "num_vcs = 4;",
        "vc_buf_size = 8;", "wait_for_tail_credit = 0;", "vc_allocator = separable_input_first;",
        "sw_allocator = separable_input_first;", "routing_delay = 1;", "vc_alloc_delay = 1;", "sw_alloc_delay = 1;",
        "st_prepare_delay = 0;", "st_final_delay = 1;", "speculative = 0;", "credit_delay = 0;", "traffic = uniform;",
        "injection_process = bernoulli;", "injection_rate_uses_flits = 1;", "injection_rate = 0.25;",
        "packet_size = 5;", "sim_type = latency;", "sample_period = 1000;", "warmup_periods = 2;", "max_samples = 10;",
        "seed = 7;"})
    CHECK(has(c, line));
  CHECK(c.rfind("// BookSim2 configuration", 0) == 0);
  CHECK(c.find("3 cycles longer") != std::string::npos);
  CHECK(c.find("includes packets to the source itself (star-noc --self-traffic)") != std::string::npos);
  t.self_traffic = true;  // then the traffic is BookSim2's too
  CHECK(booksim_config(noc, t, 0.25).find("to the source itself") == std::string::npos);
  // A torus: BookSim2's torus with its dim_order_torus (the same dateline), the half-way tie noted.
  noc.topology = NocTopology::Torus;
  const std::string torus = booksim_config(noc, t, 0.25);
  CHECK(has(torus, "topology = torus;"));
  CHECK(has(torus, "routing_function = dim_order;"));
  CHECK(torus.find("half way round an even ring either way at random") != std::string::npos);
  CHECK_FALSE(has(c, "topology = torus;"));
}

TEST_CASE("BookSim2 configuration: pipeline depth, credit latency, allocator iterations, patterns", "[noc]") {
  NocConfig noc;
  noc.width = noc.height = 8;
  TrafficConfig t;
  // R stages = routing + VC allocation + switch allocation + traversal; below 4 lookahead routing,
  // and with 2 VC and switch allocation in one cycle (speculative).
  for (auto [stages, routing, speculative] : {std::tuple<uint32_t, int, int>{2, 0, 1}, {3, 0, 0}, {4, 1, 0}, {6, 3, 0}}) {
    noc.router_stages = stages;
    const std::string c = booksim_config(noc, t, 0.1);
    INFO("R = " << stages);
    CHECK(has(c, "routing_delay = " + std::to_string(routing) + ";"));
    CHECK(has(c, "speculative = " + std::to_string(speculative) + ";"));
  }
  noc.router_stages = 4;
  noc.credit_latency = 3;  // usable L + 3 after the downstream switch allocation; BookSim2: L + 1 + credit_delay
  CHECK(has(booksim_config(noc, t, 0.1), "credit_delay = 2;"));
  noc.switch_alloc_iterations = 2;
  CHECK(booksim_config(noc, t, 0.1).find("\nsw_allocator = islip(2);") != std::string::npos);
  t.pattern = TrafficPattern::Transpose;
  CHECK(has(booksim_config(noc, t, 0.1), "traffic = transpose;"));
  t.pattern = TrafficPattern::BitComplement;
  CHECK(has(booksim_config(noc, t, 0.1), "traffic = bitcomp;"));
  t.warmup_cycles = 500;  // not whole thousands: one sample of the measurement window
  t.measure_cycles = 3500;
  const std::string c = booksim_config(noc, t, 0.1);
  CHECK(has(c, "sample_period = 3500;"));
  CHECK(has(c, "warmup_periods = 1;"));
  CHECK(has(c, "max_samples = 1;"));
}

TEST_CASE("BookSim2 configuration: what its mesh cannot reproduce is refused by name", "[noc]") {
  auto refused = [](NocConfig noc, TrafficConfig t, const std::string& words) {
    INFO(words);
    try {
      booksim_config(noc, t, 0.1);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(words) != std::string::npos);
    }
  };
  const NocConfig base;
  const TrafficConfig traffic;
  const std::vector<std::pair<std::function<void(NocConfig&)>, const char*>> changes{
      {[](NocConfig& c) { c.height = 2; }, "4x2 is not square"},
      {[](NocConfig& c) { c.link_latency = 2; }, "1-cycle links; link latency 2"},
      {[](NocConfig& c) { c.router_stages = 1; }, "at least 2 stages"},
      {[](NocConfig& c) { c.credit_latency = 0; }, "credit latency 0"},
      {[](NocConfig& c) { c.routing = NocRouting::YX; }, "yx routing"},
      {[](NocConfig& c) { c.num_vc_classes = 2; }, "several VC classes"}};
  for (const auto& [change, words] : changes) {
    NocConfig noc = base;
    change(noc);
    refused(noc, traffic, words);
  }
  NocConfig noc = base;
  noc.body_flit_bypass = false;
  TrafficConfig t = traffic;
  t.packet_flits = 4;
  refused(noc, t, "--no-body-bypass with multi-flit packets");
  t.packet_flits = 1;  // no body flits: the same either way
  CHECK_NOTHROW(booksim_config(noc, t, 0.1));
  t = traffic;
  t.pattern = TrafficPattern::Hotspot;
  refused(base, t, "hotspot traffic");
  t.pattern = TrafficPattern::NearestNeighbour;
  refused(base, t, "nearest-neighbour traffic");
  noc = base;
  noc.width = noc.height = 3;
  t.pattern = TrafficPattern::Transpose;
  refused(noc, t, "power of two");
  CHECK_THROWS_AS(booksim_config(base, traffic, 1.5), std::invalid_argument);
}
