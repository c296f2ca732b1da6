// The pieces together, as a STAR platform will use them: a host stub and a data fetcher share an
// AddressBus in front of the HBM; the bus latency shifts the memory's arrival time; statistics of
// both land in one report and the memory's utilisation in one VCD.
#include <systemc>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "bus/address_bus.h"
#include "hbm_test_initiator.h"
#include "memory/hbm_memory.h"
#include "platform_test_support.h"
#include "stats/stats_registry.h"
#include "stats/stats_writers.h"
#include "tracing/tracer.h"
#include "vcd_reader.h"

using namespace sc_core;

namespace {
sc_time ns(double v) { return sc_time(v, SC_NS); }
constexpr std::uint64_t kHbmBase = 0x8000'0000;
}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();

  star::TraceConfig tcfg;
  tcfg.enabled = true;
  tcfg.path = "test_platform_integration.vcd";
  star::Tracer tracer("tracer", tcfg);

  star::HbmConfig mcfg;
  mcfg.monitor_window = ns(100);
  star::HbmMemory hbm("hbm", mcfg);
  star::AddressBus bus("bus", ns(2));
  star::test::HbmTestInitiator host("host"), fetcher("fetcher");
  host.socket.bind(bus.target_socket);
  fetcher.socket.bind(bus.target_socket);
  bus.initiator_socket.bind(hbm.socket);
  bus.map(kHbmBase, mcfg.capacity_bytes, 0, "hbm");
  hbm.trace(tracer);

  star::StatsRegistry reg;
  bus.register_stats(reg);
  hbm.register_stats(reg);

  // Both read 256 B of channel 0 at time 0; the bus adds 2 ns before the memory sees them.
  //   host:    arrival 2 ns, channel 2..18 ns, + 100 ns       -> 118 ns
  //   fetcher: arrival 2 ns, channel busy until 18, 18..34 ns -> 134 ns
  sc_time host_delay, fetcher_delay;
  host.body = [&](star::test::HbmTestInitiator& self) {
    auto r = self.read(kHbmBase, 256);
    CHECK(r.status == tlm::TLM_OK_RESPONSE);
    host_delay = r.delay;
  };
  fetcher.body = [&](star::test::HbmTestInitiator& self) {
    wait(SC_ZERO_TIME);  // the host goes first
    auto r = self.read(kHbmBase + 16 * 256, 256);
    CHECK(r.status == tlm::TLM_OK_RESPONSE);
    fetcher_delay = r.delay;
    // A fetch beyond the memory's window is refused by the bus.
    CHECK(self.read(kHbmBase + mcfg.capacity_bytes, 64).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  };

  star::test::run();
  const auto j = star::stats_to_json(reg);  // before close(), which advances time by 1 ps
  tracer.close();

  CHECK_TIME(host_delay, ns(118));
  CHECK_TIME(fetcher_delay, ns(134));

  CHECK(j["modules"]["bus"]["transactions"]["value"] == 3);
  CHECK(j["modules"]["bus"]["address_errors"]["value"] == 1);
  CHECK(j["modules"]["bus"]["bytes"]["value"] == 512);
  CHECK(j["modules"]["hbm"]["reads"]["value"] == 2);
  CHECK(j["modules"]["hbm"]["errors"]["value"] == 0);  // the bus stopped the bad one
  CHECK(j["modules"]["hbm.ch00"]["bytes_read"]["value"] == 512);
  CHECK(j["modules"]["hbm"]["mean_latency_ns"]["value"].get<double>() == (116.0 + 132.0) / 2);
  // 512 B in the window [0, 100 ns) of a 256 GB/s memory: 512 / 25600 = 2 %.
  CHECK(std::abs(j["modules"]["hbm.bandwidth"]["peak_window_utilisation"]["value"].get<double>() -
                 0.02) < 1e-12);

  const auto v = star::test::read_vcd(tracer.vcd_path());

  CHECK(v.ok && v.code_of.count("hbm.utilisation"));
  if (v.code_of.count("hbm.utilisation")) {
    const auto& times = v.changes.at(v.code_of.at("hbm.utilisation"));
    // 0 -> 0.02 -> 0 (ps). The return to 0 happens in the last time step of the run: without
    // the flush in Tracer::close() SystemC would never write it.
    CHECK((times == std::vector<std::uint64_t>{0, 100'000, 200'000}));
  }

  std::ostringstream table;
  star::write_stats_table(reg, table);
  CHECK(table.str().find("bus.address_errors") != std::string::npos);
  return star::test::finish();
}
