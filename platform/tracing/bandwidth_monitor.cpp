#include "tracing/bandwidth_monitor.h"

#include <algorithm>
#include <stdexcept>

#include "stats/stats_registry.h"
#include "tracing/tracer.h"

namespace star {

BandwidthMonitor::BandwidthMonitor(const sc_core::sc_module_name& name, sc_core::sc_time window,
                                   double peak_bytes_per_second)
    : sc_core::sc_module(name), window_(window), peak_bps_(peak_bytes_per_second) {
  if (window_ == sc_core::SC_ZERO_TIME)
    throw std::invalid_argument(std::string(this->name()) + ": window must be positive");
  if (!(peak_bps_ > 0))
    throw std::invalid_argument(std::string(this->name()) + ": peak bandwidth must be positive");
  SC_METHOD(close_windows);
  sensitive << tick_;
  dont_initialize();
}

void BandwidthMonitor::record(std::uint64_t bytes, const sc_core::sc_time& start,
                              const sc_core::sc_time& end) {
  if (!bytes) return;
  total_bytes_ += bytes;
  // A window that simulated time has already passed is closed: late bytes join the current one.
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time s = std::max(start, now);
  const sc_core::sc_time e = std::max(end, s);
  const std::uint64_t first = window_index(s);
  if (e == s || window_index(e - sc_core::sc_time::from_value(1)) == first) {
    pending_[first] += static_cast<double>(bytes);
  } else {
    const double span = static_cast<double>((e - s).value());
    const std::uint64_t last = window_index(e - sc_core::sc_time::from_value(1));
    for (std::uint64_t w = first; w <= last; ++w) {
      const sc_core::sc_time ws = window_ * static_cast<double>(w);
      const sc_core::sc_time overlap = std::min(e, ws + window_) - std::max(s, ws);
      pending_[w] += static_cast<double>(bytes) * static_cast<double>(overlap.value()) / span;
    }
  }
  // Wake at the end of the current window (an earlier pending notification wins).
  tick_.notify(window_ * static_cast<double>(window_index(now) + 1) - now);
}

void BandwidthMonitor::close_windows() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const std::uint64_t current = window_index(now);
  double last_closed = 0.0;
  while (!pending_.empty() && pending_.begin()->first < current) {
    const double u = pending_.begin()->second / window_capacity();
    peak_.sample(u);
    if (pending_.begin()->first + 1 == current) last_closed = u;
    pending_.erase(pending_.begin());
  }
  utilisation_.write(last_closed);
  // Keep ticking while data is pending, and once more to return the signal to 0 after activity.
  if (!pending_.empty() || last_closed != 0.0)
    tick_.notify(window_ * static_cast<double>(current + 1) - now);
}

double BandwidthMonitor::peak_utilisation() const {
  double p = peak_.value();
  for (const auto& kv : pending_) p = std::max(p, kv.second / window_capacity());
  return p;
}

double BandwidthMonitor::mean_utilisation(const sc_core::sc_time& elapsed) const {
  if (elapsed == sc_core::SC_ZERO_TIME) return 0.0;
  return static_cast<double>(total_bytes()) / (peak_bps_ * elapsed.to_seconds());
}

void BandwidthMonitor::register_stats(StatsRegistry& reg, const std::string& prefix) const {
  reg.add_counter(prefix + ".bytes", total_bytes_, "bytes", "bytes moved");
  reg.add_value(
      prefix + ".peak_window_utilisation", [this] { return peak_utilisation(); }, "1",
      "highest utilisation of any " + window_.to_string() + " window");
  reg.add_value(
      prefix + ".mean_utilisation", [this] { return mean_utilisation(sc_core::sc_time_stamp()); },
      "1", "bytes moved / (peak bandwidth x simulated time)");
}

bool BandwidthMonitor::trace(Tracer& tracer, const std::string& module, const std::string& signal) {
  return tracer.trace(module, signal, utilisation_);
}

}  // namespace star
