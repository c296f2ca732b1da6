// Tracing: the VCD exists only when enabled, holds exactly the signals of the selected modules,
// changes only inside the time window, converts with GTKWave's vcd2fst and reads back with the
// expected names. BandwidthMonitor: windowed utilisation against hand-computed values.
#include <systemc>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "hbm_test_initiator.h"
#include "memory/hbm_memory.h"
#include "platform_test_support.h"
#include "tracing/bandwidth_monitor.h"
#include "tracing/tracer.h"
#include "vcd_reader.h"

using namespace sc_core;
using star::TracedValue;
using star::Tracer;

namespace {
sc_time ns(double v) { return sc_time(v, SC_NS); }

// A stand-in for a STAR block: busy toggles and the tile index counts every 10 ns until 500 ns.
struct ToyBlock : sc_module {
  TracedValue<bool> busy{false};
  TracedValue<unsigned> tile{0};
  SC_HAS_PROCESS(ToyBlock);
  explicit ToyBlock(sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  void run() {
    for (int i = 0; i < 50; ++i) {
      wait(ns(10));
      busy = !busy.read();
      tile = tile.read() + 1;
    }
  }
};

std::uint64_t ps(double nanoseconds) { return static_cast<std::uint64_t>(nanoseconds * 1000); }
}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();
  const std::string vcd = "test_platform_tracing.vcd";
  const std::string fst = "test_platform_tracing.fst";
  const std::string back = "test_platform_tracing_back.vcd";
  std::remove(vcd.c_str()), std::remove(fst.c_str()), std::remove(back.c_str());

  {
    star::TraceConfig bad;
    bad.enabled = true;
    CHECK_THROWS(bad.validate(), std::invalid_argument);  // no path
    bad.path = "x";
    bad.start = ns(10), bad.end = ns(10);
    CHECK_THROWS(bad.validate(), std::invalid_argument);  // empty window
  }

  star::TraceConfig cfg;
  cfg.enabled = true;
  cfg.path = "test_platform_tracing";  // ".vcd" appended
  cfg.start = ns(100);
  cfg.end = ns(300);
  cfg.module_filter = {"core.*", "hbm"};
  Tracer tracer("tracer", cfg);
  Tracer off("tracer_off", star::TraceConfig{});

  CHECK(tracer.selects("core.sufa"));
  CHECK(tracer.selects("hbm"));
  CHECK(tracer.selects("hbm.ch0"));  // a selected module's sub-modules
  CHECK(!tracer.selects("hbmx"));
  CHECK(!tracer.selects("noc.router0"));
  CHECK(!tracer.selects("core"));  // "core.*" needs a sub-module
  CHECK(!off.enabled() && !off.selects("core.sufa") && off.vcd_path().empty());
  CHECK(tracer.vcd_path() == vcd);

  ToyBlock sufa("sufa"), router("router"), untraced("untraced");
  // A signal its module drives itself: recorded at every change, window or not.
  sc_signal<bool> irq("irq", false);
  CHECK(tracer.trace("core.ctrl", "irq", irq));
  struct IrqDriver : sc_module {
    SC_HAS_PROCESS(IrqDriver);
    sc_signal<bool>& irq;
    IrqDriver(sc_module_name n, sc_signal<bool>& s) : sc_module(n), irq(s) { SC_THREAD(run); }
    void run() {
      wait(sc_time(50, SC_NS)), irq.write(true);
      wait(sc_time(350, SC_NS)), irq.write(false);
    }
  } irq_driver("irq_driver", irq);
  CHECK(tracer.trace("core.sufa", "busy", sufa.busy));
  CHECK(tracer.trace("core.sufa", "tile", sufa.tile));
  CHECK(!tracer.trace("noc.router0", "busy", router.busy));  // filtered out
  CHECK(!off.trace("core.sads", "busy", untraced.busy));     // tracing off
  CHECK(!untraced.busy.traced());

  // Memory utilisation over 50 ns windows: 4 KiB at 100 ns over 256 GB/s is 16 ns of transfer,
  // i.e. 4096 / (256e9 B/s x 50 ns) = 0.32 of window [100, 150), shown during [150, 200).
  star::HbmConfig mcfg;
  mcfg.monitor_window = ns(50);
  star::HbmMemory hbm("hbm", mcfg);
  hbm.trace(tracer);
  star::test::HbmTestInitiator ini("ini");
  ini.socket.bind(hbm.socket);
  ini.body = [&](star::test::HbmTestInitiator& self) {
    wait(ns(100));
    self.read(0, 4096);
    wait(ns(75));  // 175 ns: inside [150, 200)
    CHECK(std::abs(hbm.monitor().utilisation() - 0.32) < 1e-12);
    wait(ns(50));  // 225 ns: window [150, 200) was idle
    CHECK(hbm.monitor().utilisation() == 0.0);
  };

  // A bare monitor: 1000 B spread evenly over [0, 100 ns) at 10 GB/s peak and 50 ns windows is
  // 500 B per window = 100 %; 250 B within [100, 150) is 50 %.
  star::BandwidthMonitor mon("mon", ns(50), 10e9);
  std::vector<double> seen;
  struct Probe : sc_module {
    SC_HAS_PROCESS(Probe);
    std::function<void()> body;
    explicit Probe(sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() { body(); }
  } probe("probe");
  probe.body = [&] {
    mon.record(1000, SC_ZERO_TIME, ns(100));
    mon.record(250, ns(110), ns(120));
    for (double t : {25.0, 75.0, 125.0, 175.0, 225.0, 275.0}) {
      wait(ns(t) - sc_time_stamp());
      seen.push_back(mon.utilisation());
    }
  };

  star::test::run();
  const sc_time end_time = sc_time_stamp();
  tracer.close();

  const std::vector<double> want{0.0, 1.0, 1.0, 0.5, 0.0, 0.0};
  CHECK_EQ(seen.size(), want.size());
  for (std::size_t i = 0; i < std::min(seen.size(), want.size()); ++i)
    CHECK_MSG(std::abs(seen[i] - want[i]) < 1e-12, "sample " + std::to_string(i));
  for (double u : seen) std::printf("%g ", u);
  std::printf("<- monitor utilisation at 25, 75, ..., 275 ns\n");
  CHECK(std::abs(mon.peak_utilisation() - 1.0) < 1e-12);
  CHECK_EQ(mon.total_bytes(), 1250ull);
  CHECK_MSG(end_time <= ns(600),
            "monitors must not keep the simulation alive: ended at " + end_time.to_string());

  // What the VCD holds.
  const auto v = star::test::read_vcd(vcd);
  CHECK(v.ok);
  CHECK(v.code_of.count("core.sufa.busy") && v.code_of.count("core.sufa.tile") &&
        v.code_of.count("hbm.utilisation"));
  CHECK_EQ(v.code_of.size(), std::size_t{4});  // nothing from noc.router0
  if (v.code_of.count("core.ctrl.irq")) {
    const auto& times = v.changes.at(v.code_of.at("core.ctrl.irq"));
    CHECK((times == std::vector<std::uint64_t>{0, ps(50), ps(400)}));
  }
  if (v.code_of.count("core.sufa.tile") && v.code_of.count("core.sufa.busy")) {
    // The initial value at 0; at 100 ns the window opens and the shown value catches up (tile
    // 0 -> 10; busy is back to false after 10 toggles, so no change); then one change per 10 ns
    // up to 290 ns, and nothing from 300 ns to the end at 500 ns.
    const auto& tile = v.changes.at(v.code_of.at("core.sufa.tile"));
    const auto& busy = v.changes.at(v.code_of.at("core.sufa.busy"));
    CHECK_EQ(tile.size(), std::size_t{1 + 1 + 19});
    CHECK_EQ(busy.size(), std::size_t{1 + 19});
    if (tile.size() > 1) CHECK_EQ(tile[1], ps(100));
    if (!v.values.at(v.code_of.at("core.sufa.tile")).empty())
      CHECK(v.values.at(v.code_of.at("core.sufa.tile")).back() == "11101");  // 29 at 290 ns
    for (const auto* times : {&tile, &busy})
      for (std::size_t i = 1; i < times->size(); ++i)
        CHECK_MSG((*times)[i] >= ps(100) && (*times)[i] < ps(300),
                  "change at " + std::to_string((*times)[i]) + " ps");
  }
  if (v.code_of.count("hbm.utilisation")) {
    const auto& code = v.code_of.at("hbm.utilisation");
    const auto& times = v.changes.at(code);
    CHECK_EQ(times.size(), std::size_t{3});  // initial 0, 0.32 at 150 ns, 0 at 200 ns
    if (times.size() == 3) {
      CHECK_EQ(times[1], ps(150));
      CHECK_EQ(times[2], ps(200));
      CHECK(std::abs(std::stod(v.values.at(code)[1]) - 0.32) < 1e-9);
    }
  }

  // GTKWave's converter accepts it, and the FST holds the same names.
  const std::string conv = std::string(VCD2FST) + " " + vcd + " " + fst + " > /dev/null 2>&1";
  CHECK_MSG(std::system(conv.c_str()) == 0, conv);
  const std::string rev = std::string(FST2VCD) + " -f " + fst + " -o " + back + " > /dev/null 2>&1";
  CHECK_MSG(std::system(rev.c_str()) == 0, rev);
  const auto r = star::test::read_vcd(back);
  CHECK(r.ok && r.code_of.count("core.sufa.busy") && r.code_of.count("core.sufa.tile") &&
        r.code_of.count("hbm.utilisation"));
  if (r.code_of.count("core.sufa.busy"))
    CHECK_EQ(r.changes.at(r.code_of.at("core.sufa.busy")).size(), std::size_t{20});

  return star::test::finish();
}
