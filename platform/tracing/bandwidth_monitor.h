// Turns bytes moved into a utilisation signal: time is cut into windows of a configurable length,
// each transfer's bytes are spread over the windows its [start, end) interval overlaps, and a
// window's utilisation is its bytes / (peak bandwidth x window length).
//
// Loosely-timed initiators report transfers ahead of simulated time, so a window is final only
// once simulated time has passed its end: the traced signal therefore shows, during window w, the
// utilisation of window w-1 (one window of lag). The monitor schedules wake-ups only while it has
// data, so it never keeps an unbounded sc_start() running.
#pragma once

#include <systemc>

#include <cstdint>
#include <map>
#include <string>

#include "stats/statistic.h"
#include "tracing/traced_value.h"

namespace star {

class StatsRegistry;
class Tracer;

class BandwidthMonitor : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(BandwidthMonitor);
  BandwidthMonitor(const sc_core::sc_module_name& name, sc_core::sc_time window,
                   double peak_bytes_per_second);

  // Bytes moved over [start, end), both absolute; end <= start puts them all in start's window.
  void record(std::uint64_t bytes, const sc_core::sc_time& start, const sc_core::sc_time& end);

  // Utilisation (0..1) of the last closed window, as traced.
  const TracedValue<double>& utilisation() const { return utilisation_; }
  std::uint64_t total_bytes() const { return total_bytes_.value(); }
  // Highest window utilisation so far, including windows not yet closed.
  double peak_utilisation() const;
  // Bytes / (peak bandwidth x elapsed): the average over the run up to `elapsed`.
  double mean_utilisation(const sc_core::sc_time& elapsed) const;
  const sc_core::sc_time& window() const { return window_; }

  // <prefix>.bytes, <prefix>.peak_window_utilisation, <prefix>.mean_utilisation
  void register_stats(StatsRegistry& reg, const std::string& prefix) const;
  // Registers the signal "<module>.<signal>" (default "utilisation").
  bool trace(Tracer& tracer, const std::string& module, const std::string& signal = "utilisation");

 private:
  void close_windows();
  std::uint64_t window_index(const sc_core::sc_time& t) const {
    return t.value() / window_.value();
  }
  double window_capacity() const { return peak_bps_ * window_.to_seconds(); }

  sc_core::sc_time window_;
  double peak_bps_;
  std::map<std::uint64_t, double> pending_;  // window index -> bytes, windows not yet closed
  TracedValue<double> utilisation_{0.0};
  HighWaterMark peak_;
  Counter total_bytes_;
  sc_core::sc_event tick_;
};

}  // namespace star
