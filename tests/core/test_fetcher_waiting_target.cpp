// The fetcher against a target that waits inside b_transport (as the mesh's network interface
// does: it synchronises to the annotated delay, then waits the request's round trip and returns a
// zero delay). Each burst's annotated delay must be relative to the time the fetcher calls it,
// not to the time the transfer began: otherwise the interface time of every earlier burst is
// waited again and a transfer of n bursts pays n extra interface slots on top of the round trips.
// Hand-computed case: four 16 KiB bursts over a 64 B/cycle interface at 1 GHz (256 ns each) to a
// target with a 100 ns round trip: bursts issue at 0, 256, 512 and 768 ns (the interface is the
// bottleneck), each done 100 ns later, so the transfer ends at 868 ns.
#include <tlm_utils/simple_target_socket.h>

#include "../platform/platform_test_support.h"
#include "fetcher/data_fetcher.h"

using namespace star;
using namespace star::test;

namespace {

struct WaitingTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<WaitingTarget> socket;
  std::vector<sc_core::sc_time> starts;  // when each burst began its round trip
  explicit WaitingTarget(const sc_core::sc_module_name& n) : sc_module(n), socket("socket") {
    socket.register_b_transport(this, &WaitingTarget::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    sc_core::wait(delay);
    starts.push_back(sc_core::sc_time_stamp());
    sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    delay = sc_core::SC_ZERO_TIME;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Probe : sc_core::sc_module {
  SC_HAS_PROCESS(Probe);
  DataFetcher& f;
  sc_core::sc_time done, returned;
  Probe(const sc_core::sc_module_name& n, DataFetcher& fetcher) : sc_module(n), f(fetcher) { SC_THREAD(run); }
  void run() {
    done = f.transfer(Stage::predict, Direction::read, 0, 4 * 16384, sc_core::sc_time_stamp());
    returned = sc_core::sc_time_stamp();
  }
};

}  // namespace

int sc_main(int, char*[]) {
  install_strict_reporting();
  CoreConfig cfg;
  cfg.clock_hz = 1e9;
  cfg.fetch_bytes_per_cycle = 64;
  cfg.max_burst_bytes = 16384;
  DataFetcher fetcher("fetcher", cfg);
  WaitingTarget target("target");
  fetcher.socket.bind(target.socket);
  Probe probe("probe", fetcher);
  run();
  using sc_core::sc_time;
  using sc_core::SC_NS;
  CHECK_EQ(target.starts.size(), std::size_t{4});
  if (target.starts.size() == 4) {
    CHECK_TIME(target.starts[0], sc_time(0, SC_NS));
    CHECK_TIME(target.starts[1], sc_time(256, SC_NS));
    CHECK_TIME(target.starts[2], sc_time(512, SC_NS));
    CHECK_TIME(target.starts[3], sc_time(768, SC_NS));
  }
  CHECK_TIME(probe.done, sc_time(868, SC_NS));
  CHECK_TIME(probe.returned, sc_time(868, SC_NS));
  CHECK_EQ(fetcher.bursts(), std::uint64_t{4});
  return finish();
}
