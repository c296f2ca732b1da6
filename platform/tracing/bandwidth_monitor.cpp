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
  SC_METHOD(tick);
  sensitive << tick_;
  dont_initialize();
}

void BandwidthMonitor::record(std::uint64_t bytes, const sc_core::sc_time& start,
                              const sc_core::sc_time& end) {
  if (!bytes) return;
  total_bytes_ += bytes;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const std::uint64_t current = window_index(now);
  close_windows(current);
  // A window that simulated time has already passed is closed: late bytes join the current one.
  const std::uint64_t s = std::max(start, now).value();
  pending_.add_spread(s, std::max<std::uint64_t>(end.value(), s), window_.value(), static_cast<double>(bytes));
  // Wake at the end of the current window (an earlier pending notification wins).
  if (traced_) tick_.notify(window_ * static_cast<double>(current + 1) - now);
}

void BandwidthMonitor::close_windows(std::uint64_t current) {
  pending_.close_before(current, [this](std::uint64_t, std::uint64_t last, double bytes) {
    if (bytes == 0.0) return;  // windows nobody wrote
    peak_.sample(bytes / window_capacity());
    last_closed_ = last - 1;
    last_closed_bytes_ = bytes;
  });
}

void BandwidthMonitor::tick() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const std::uint64_t current = window_index(now);
  close_windows(current);
  const double shown = utilisation();
  utilisation_.write(shown);
  // Keep ticking while data is pending, and once more to return the signal to 0 after activity.
  if (!pending_.empty() || shown != 0.0)
    tick_.notify(window_ * static_cast<double>(current + 1) - now);
}

double BandwidthMonitor::utilisation() const {
  const std::uint64_t current = window_index(sc_core::sc_time_stamp());
  if (current == 0) return 0.0;
  const std::uint64_t w = current - 1;
  // A window is either still open (pending) or closed; only the newest closed one is kept.
  const double open = pending_.at(w);
  if (open != 0.0) return open / window_capacity();
  return w == last_closed_ ? last_closed_bytes_ / window_capacity() : 0.0;
}

double BandwidthMonitor::peak_utilisation() const {
  return std::max(peak_.value(), pending_.max() / window_capacity());
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
  traced_ = tracer.trace(module, signal, utilisation_);
  return traced_;
}

}  // namespace star
