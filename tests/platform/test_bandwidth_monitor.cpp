// BandwidthMonitor against a plain per-window reference computed here: seeded random transfers
// (short ones, ones spanning thousands of windows, zero-length ones, and late ones that start or
// end before simulated time) go to an untraced and a traced monitor. Both must report, bit for
// bit, the reference's last-final-window utilisation at every step, its peak and its mean, and
// the traced one's VCD must hold the reference's value of window w-1 during every window w. An
// untraced monitor schedules no SystemC events: the simulation ends with its driver, however far
// ahead the recorded data reaches. WindowRuns alone: the same totals as a per-window map under
// random adds and closes, and a bounded number of runs in a long stream.
#include <systemc>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "platform_test_support.h"
#include "tracing/bandwidth_monitor.h"
#include "tracing/tracer.h"
#include "tracing/window_runs.h"
#include "vcd_reader.h"

using namespace sc_core;

namespace {

const sc_time kWindow(10, SC_NS);
constexpr double kPeak = 4e9;  // 40 bytes per window

// What a monitor must compute: every transfer's bytes spread over the windows [start, end)
// overlaps (start moved to now when late), one map entry per window.
struct Reference {
  std::map<std::uint64_t, double> bytes;  // window -> bytes
  std::uint64_t total = 0;

  void record(std::uint64_t b, sc_time start, sc_time end, sc_time now) {
    total += b;
    const std::uint64_t w = kWindow.value();
    const std::uint64_t s = std::max(start, now).value();
    const std::uint64_t e = std::max<std::uint64_t>(end.value(), s);
    const std::uint64_t first = s / w;
    if (e == s || (e - 1) / w == first) {
      bytes[first] += static_cast<double>(b);
      return;
    }
    const double span = static_cast<double>(e - s);
    for (std::uint64_t i = first; i <= (e - 1) / w; ++i) {
      const std::uint64_t overlap = std::min(e, (i + 1) * w) - std::max(s, i * w);
      bytes[i] += static_cast<double>(b) * static_cast<double>(overlap) / span;
    }
  }
  double utilisation(std::uint64_t window) const {
    const auto it = bytes.find(window);
    return it == bytes.end() ? 0.0 : it->second / (kPeak * kWindow.to_seconds());
  }
  double peak() const {
    double p = 0.0;
    for (const auto& kv : bytes) p = std::max(p, kv.second / (kPeak * kWindow.to_seconds()));
    return p;
  }
};

struct Driver : sc_module {
  SC_HAS_PROCESS(Driver);
  std::function<void()> body;
  explicit Driver(sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  void run() { body(); }
};

// Random adds (short, long, behind and ahead of the oldest held window) and closes against a map.
void check_window_runs() {
  std::mt19937_64 rng(7);
  auto pick = [&](std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  };
  star::WindowRuns runs;
  std::map<std::uint64_t, double> ref;
  std::uint64_t closed = 0;  // windows below it are closed
  int bad = 0;
  std::size_t most = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t first = closed + pick(0, 30);
    const std::uint64_t last = first + (pick(0, 99) == 0 ? pick(500, 3000) : pick(0, 4));
    const double amount = static_cast<double>(pick(1, 1000)) / 7.0;
    runs.add(first, last, amount);
    for (std::uint64_t w = first; w < last; ++w) ref[w] += amount;
    if (pick(0, 2) == 0) {
      const std::uint64_t to = closed + pick(0, 12);
      std::uint64_t next = closed;  // closing reports every window below `to` once, in order
      runs.close_before(to, [&](std::uint64_t a, std::uint64_t b, double total) {
        if (a < next || b <= a || b > to) ++bad;
        for (std::uint64_t w = std::max(a, next); w < b; ++w)
          if ((ref.count(w) ? ref[w] : 0.0) != total) ++bad;
        next = b;
      });
      ref.erase(ref.begin(), ref.lower_bound(to));
      closed = std::max(closed, to);
    }
    for (std::uint64_t w = closed; w < closed + 40; w += 3)
      if (runs.at(w) != (ref.count(w) ? ref[w] : 0.0)) ++bad;
    double m = 0.0;
    for (const auto& kv : ref) m = std::max(m, kv.second);
    if (runs.max() != m) ++bad;
    most = std::max(most, runs.runs());
  }
  CHECK_MSG(bad == 0, std::to_string(bad) + " WindowRuns totals differ from the map");
  // Long adds reach 3000 windows ahead; what is held stays a few runs per add in flight.
  CHECK_MSG(most < 200, std::to_string(most) + " runs held at most");
  runs.close_before(~std::uint64_t{0}, [](std::uint64_t, std::uint64_t, double) {});
  CHECK(runs.empty() && runs.runs() == 0 && runs.max() == 0.0);
  std::printf("WindowRuns: at most %zu runs held\n", most);
}

std::uint64_t window_now() { return sc_time_stamp().value() / kWindow.value(); }

}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();
  check_window_runs();
  const std::string vcd = "test_bandwidth_monitor.vcd";
  std::remove(vcd.c_str());

  star::TraceConfig cfg;
  cfg.enabled = true;
  cfg.path = vcd;
  cfg.module_filter = {"traced"};
  star::Tracer tracer("tracer", cfg);

  star::BandwidthMonitor lone("lone", kWindow, kPeak);  // phase 1: untraced, alone
  star::BandwidthMonitor plain("plain", kWindow, kPeak);
  star::BandwidthMonitor traced("traced", kWindow, kPeak);
  CHECK(!lone.trace(tracer, "lone") && !plain.trace(tracer, "plain"));  // filtered out
  CHECK(traced.trace(tracer, "traced"));

  // Phase 1: data reaching 1 ms ahead does not keep the simulation running.
  Driver d1("d1"), d2("d2");
  sc_event phase2;
  sc_time phase1_done;
  d1.body = [&] {
    wait(sc_time(15, SC_NS));
    lone.record(1000, sc_time(15, SC_NS), sc_time(1, SC_MS));
    lone.record(400, sc_time(3, SC_NS), sc_time(5, SC_NS));  // late: joins window 1
    wait(sc_time(10, SC_NS));                                // window 2
    CHECK(lone.utilisation() > 10.0);                        // window 1 held 400 B of 40
    phase1_done = sc_time_stamp();
  };
  // Phase 2: seeded random transfers, both monitors against the reference.
  Reference ref;
  std::mt19937_64 rng(20261129);
  int mismatches = 0, long_ones = 0, late_ones = 0;
  sc_time phase2_done;
  d2.body = [&] {
    wait(phase2);
    const std::uint64_t w = kWindow.value();
    auto pick = [&](std::uint64_t lo, std::uint64_t hi) {
      return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
    };
    for (int i = 0; i < 4000; ++i) {
      // Sometimes no time passes between records, sometimes a few windows.
      if (pick(0, 3)) wait(sc_time::from_value(pick(0, 3 * w)));
      const std::uint64_t now = sc_time_stamp().value();
      const std::uint64_t shown_window = window_now() ? window_now() - 1 : ~std::uint64_t{0};
      const double want = ref.utilisation(shown_window);
      if (plain.utilisation() != want || traced.utilisation() != want) ++mismatches;

      std::uint64_t start = now + pick(0, 20 * w);
      if (pick(0, 9) == 0) start = now - std::min(now, pick(1, 5 * w)), ++late_ones;
      std::uint64_t len = pick(0, 2 * w);
      const std::uint64_t kind = pick(0, 49);
      if (kind == 0) len = pick(1000 * w, 5000 * w), ++long_ones;
      const bool backwards = kind == 1;  // end before start: all bytes in start's window
      const sc_time s = sc_time::from_value(start);
      const sc_time e = backwards ? sc_time::from_value(start - std::min(start, pick(0, w)))
                                  : sc_time::from_value(start + len);
      const std::uint64_t b = pick(1, 4000);
      plain.record(b, s, e);
      traced.record(b, s, e);
      ref.record(b, s, e, sc_time_stamp());
    }
    phase2_done = sc_time_stamp();
  };

  star::test::run();
  CHECK_TIME(sc_time_stamp(), phase1_done);
  CHECK(lone.peak_utilisation() > 10.0);
  CHECK_EQ(lone.total_bytes(), std::uint64_t{1400});

  phase2.notify(SC_ZERO_TIME);
  star::test::run();
  const sc_time end_time = sc_time_stamp();
  tracer.close();

  CHECK_MSG(mismatches == 0, std::to_string(mismatches) + " utilisation samples differ");
  CHECK(long_ones > 40 && late_ones > 200);
  std::printf("%d records spanning >= 1000 windows, %d late, %zu windows with data\n", long_ones,
              late_ones, ref.bytes.size());
  CHECK_EQ(plain.total_bytes(), ref.total);
  CHECK_EQ(traced.total_bytes(), ref.total);
  // Bit-identical: each window sees the same additions in the same order as the reference.
  CHECK(plain.peak_utilisation() == ref.peak());
  CHECK(traced.peak_utilisation() == ref.peak());
  CHECK(plain.mean_utilisation(phase2_done) == traced.mean_utilisation(phase2_done));
  // The traced monitor runs on until its last window has been shown and returned to 0.
  const std::uint64_t last_window = ref.bytes.rbegin()->first;
  CHECK_TIME(end_time, kWindow * static_cast<double>(last_window + 2));
  CHECK(plain.utilisation() == 0.0 && traced.utilisation() == 0.0);

  // The VCD: during window k (k >= 1) the signal shows window k-1's utilisation.
  const auto v = star::test::read_vcd(vcd);
  CHECK(v.ok && v.code_of.size() == 1 && v.code_of.count("traced.utilisation"));
  if (v.ok && v.code_of.count("traced.utilisation")) {
    const auto& code = v.code_of.at("traced.utilisation");
    const auto& times = v.changes.at(code);
    const auto& values = v.values.at(code);
    std::vector<std::uint64_t> want_times{0};
    std::vector<double> want_values{0.0};
    for (std::uint64_t k = 1; k <= last_window + 2; ++k) {
      const double u = ref.utilisation(k - 1);
      if (u != want_values.back()) want_times.push_back(k * kWindow.value()), want_values.push_back(u);
    }
    CHECK_EQ(times.size(), want_times.size());
    int bad = 0;
    for (std::size_t i = 0; i < std::min(times.size(), want_times.size()); ++i) {
      const double got = std::stod(values[i]);
      if (times[i] != want_times[i] ||
          std::abs(got - want_values[i]) > 1e-12 * std::max(1.0, want_values[i]))
        ++bad;
    }
    CHECK_MSG(bad == 0, std::to_string(bad) + " VCD changes differ");
    std::printf("%zu VCD changes over %llu windows\n", times.size(),
                static_cast<unsigned long long>(last_window + 2));
  }
  return star::test::finish();
}
