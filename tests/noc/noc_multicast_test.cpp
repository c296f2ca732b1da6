// NocFabric::multicast, one elaboration per process. argv[1]: flit | packet.
// A 4x4 mesh, R = 4, L = 1: a copy over h hops reaches its destination after (h+1)*4 + h + F-1
// cycles at zero load. Flit fidelity replicates at the source: the copies leave one after the
// other in the order given, F cycles apart on the source's injection channel, so copy k (from 0)
// is reassembled k*F cycles later than alone and the multicast returns max_k(zero_load(h_k) + k*F).
// Packet fidelity sends one packet down the XY tree: every copy arrives at its unicast zero-load
// latency and the multicast returns max_k zero_load(h_k).
#include <systemc>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_fabric.h"
#include "../platform/platform_test_support.h"

using namespace sc_core;
using namespace star;

namespace {

uint64_t zero_load(uint64_t hops, uint64_t flits) { return (hops + 1) * 4 + hops + flits - 1; }

// Expects check_multicast to reject (src, dsts) with a message containing `what`.
void expect_rejected(const NocFabric& fabric, uint32_t src, const std::vector<uint32_t>& dsts, const std::string& what) {
  try {
    fabric.check_multicast(src, dsts);
    ++test::failures();
    std::fprintf(stderr, "multicast accepted, expected an error about '%s'\n", what.c_str());
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find(what) == std::string::npos) {
      ++test::failures();
      std::fprintf(stderr, "error '%s' does not mention '%s'\n", e.what(), what.c_str());
    }
  }
}

struct Sender : sc_module {
  NocFabric& fabric;
  std::vector<uint64_t> latencies;
  Sender(sc_module_name n, NocFabric& f) : sc_module(n), fabric(f) { SC_THREAD(run); }
  SC_HAS_PROCESS(Sender);
  void run() {
    latencies.push_back(fabric.transfer(5, 15, 4, 0));               // the unicast reference
    wait(sc_time(200, SC_NS));
    latencies.push_back(fabric.multicast(5, {15}, 4, 0));             // one destination = unicast
    wait(sc_time(200, SC_NS));
    latencies.push_back(fabric.multicast(5, {15, 0, 6, 12, 3}, 4, 0));
    wait(sc_time(200, SC_NS));
    latencies.push_back(fabric.multicast(5, {6, 3, 12, 0, 15}, 1, 1));  // nearest first, 1-flit
  }
};

}  // namespace

int sc_main(int argc, char** argv) {
  const std::string fidelity = argc > 1 ? argv[1] : "flit";
  sc_report_handler::set_actions(SC_WARNING, SC_DISPLAY | SC_STOP);
  NocConfig c;
  c.num_vc_classes = 2;
  c.fidelity = parse_noc_fidelity(fidelity);
  NocFabric fabric("noc", c);

  expect_rejected(fabric, 5, {}, "no destination");
  expect_rejected(fabric, 5, {1, 16}, "destination node 16 outside");
  expect_rejected(fabric, 5, {1, 2, 1}, "node 1 listed twice");
  expect_rejected(fabric, 5, {1, 5}, "source node 5 is among the destinations");
  expect_rejected(fabric, 16, {1}, "source node 16 outside");
  // The models check too (for callers without a fabric).
  try {
    fabric.model().inject_multicast(NocPacket{0, 5, 1, 1, 0, 0}, {1, 5});
    ++test::failures();
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("source node 5 is among the destinations") != std::string::npos);
  }
  CHECK(fabric.model().stats().packets_injected == 0);
  fabric.check_multicast(5, {0, 15});

  Sender sender("sender", fabric);
  sc_start(10, SC_US);

  const MeshTopology mesh{4, 4};
  auto expected = [&](const std::vector<uint32_t>& dsts, uint64_t flits) {
    uint64_t last = 0;
    const bool tree = c.fidelity == NocFidelity::Packet;
    for (size_t k = 0; k < dsts.size(); ++k)
      last = std::max(last, zero_load(mesh.hops(5, dsts[k]), flits) + (tree ? 0 : k * flits));
    return last;
  };
  CHECK(sender.latencies.size() == 4);
  if (sender.latencies.size() == 4) {
    CHECK(sender.latencies[0] == zero_load(mesh.hops(5, 15), 4));
    CHECK(sender.latencies[1] == sender.latencies[0]);
    CHECK(sender.latencies[2] == expected({15, 0, 6, 12, 3}, 4));
    CHECK(sender.latencies[3] == expected({6, 3, 12, 0, 15}, 1));
  }
  // Every copy is one packet in and one packet out.
  const NocStats s = fabric.model().stats();
  CHECK(fabric.model().idle());
  CHECK(s.packets_injected == 1 + 1 + 5 + 5);
  CHECK(s.packets_delivered == s.packets_injected);
  CHECK(s.flits_delivered == 4 + 4 + 5 * 4 + 5 * 1);
  CHECK(s.buffer_overflows == 0);
  for (size_t i = 0; i < sender.latencies.size(); ++i)
    std::printf("multicast %zu: %llu cycles\n", i, static_cast<unsigned long long>(sender.latencies[i]));
  return test::finish();
}
