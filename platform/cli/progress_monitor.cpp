#include "progress_monitor.h"

#include <cstdio>

namespace star {

ProgressMonitor::ProgressMonitor(const sc_core::sc_module_name& name, const StarCore& core,
                                 bool enabled, double quiet_seconds)
    : sc_core::sc_module(name), core_(core), enabled_(enabled), quiet_s_(quiet_seconds) {
  start_ = std::chrono::steady_clock::now();
  last_ = start_ - std::chrono::seconds(1);  // the first line comes as soon as quiet_seconds pass
  if (enabled_) SC_THREAD(watch);
}

void ProgressMonitor::watch() {
  bool seen_busy = false;
  while (true) {
    wait(sc_core::sc_time(1, sc_core::SC_US));
    if (core_.busy()) seen_busy = true;
    else if (seen_busy) return;  // job done: stop waking the kernel
    const auto now = std::chrono::steady_clock::now();
    const double since_start = std::chrono::duration<double>(now - start_).count();
    if (since_start < quiet_s_ || std::chrono::duration<double>(now - last_).count() < 1.0) continue;
    last_ = now;
    print(false);
  }
}

void ProgressMonitor::print(bool final) {
  const JobContext* ctx = core_.context();
  const double total = ctx ? double(ctx->cells().size()) : 0.0;
  const double done = double(core_.sufa.tiles());
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double frac = total > 0 ? done / total : 0.0;
  const double eta = frac > 0 ? wall * (1 - frac) / frac : 0.0;
  std::fprintf(stderr, "star-sim: simulated %s, tiles %.0f/%.0f (%.1f %%), wall %.1f s, ETA %.0f s%s\n",
               sc_core::sc_time_stamp().to_string().c_str(), done, total, 100 * frac, wall,
               final ? 0.0 : eta, final ? " (done)" : "");
  shown_ = true;
}

void ProgressMonitor::finish() {
  if (shown_) print(true);
}

}  // namespace star
