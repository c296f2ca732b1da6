// Turns bytes moved into a utilisation signal: time is cut into windows of a configurable length,
// each transfer's bytes are spread over the windows its [start, end) interval overlaps, and a
// window's utilisation is its bytes / (peak bandwidth x window length).
//
// Loosely-timed initiators report transfers ahead of simulated time, so a window is final only
// once simulated time has passed its end; a transfer reported late (starting before now) is moved
// to now, since earlier windows are final. utilisation() is the last final window's, so it lags
// by one window.
//
// Cost: a record is O(1) in the number of windows it spans (the open windows are WindowRuns:
// partial first and last windows plus one run for the full ones between), and closing windows is
// O(1) per run. An untraced monitor uses no SystemC events: windows are closed when the next
// record comes and peak_utilisation() counts the open ones. Only once trace() has registered the
// signal does the monitor wake at each window end while it holds data (and once more to return
// the signal to 0), so the VCD shows window w-1's utilisation during window w; it never keeps an
// unbounded sc_start() running.
#pragma once

#include <systemc>

#include <cstdint>
#include <string>

#include "stats/statistic.h"
#include "tracing/traced_value.h"
#include "tracing/window_runs.h"

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

  // Utilisation (0..1) of the window before the current one (the last final window), traced or not.
  double utilisation() const;
  std::uint64_t total_bytes() const { return total_bytes_.value(); }
  // Highest window utilisation so far, including windows not yet closed.
  double peak_utilisation() const;
  // Bytes / (peak bandwidth x elapsed): the average over the run up to `elapsed`.
  double mean_utilisation(const sc_core::sc_time& elapsed) const;
  const sc_core::sc_time& window() const { return window_; }

  // <prefix>.bytes, <prefix>.peak_window_utilisation, <prefix>.mean_utilisation
  void register_stats(StatsRegistry& reg, const std::string& prefix) const;
  // Registers the signal "<module>.<signal>" (default "utilisation"); call before the simulation
  // starts. Returns whether the tracer took it (only then does the monitor schedule wake-ups).
  bool trace(Tracer& tracer, const std::string& module, const std::string& signal = "utilisation");

 private:
  // Closes the windows before window_index(now) into the peak.
  void close_windows(std::uint64_t current);
  // The traced path's wake-up at a window end: closes, updates the signal, re-arms.
  void tick();
  std::uint64_t window_index(const sc_core::sc_time& t) const {
    return t.value() / window_.value();
  }
  double window_capacity() const { return peak_bps_ * window_.to_seconds(); }

  sc_core::sc_time window_;
  double peak_bps_;
  WindowRuns pending_;              // bytes of the windows not closed yet
  std::uint64_t last_closed_ = 0;   // the newest closed window holding bytes ...
  double last_closed_bytes_ = 0.0;  // ... and its bytes (0 while none)
  TracedValue<double> utilisation_{0.0};
  HighWaterMark peak_;
  Counter total_bytes_;
  bool traced_ = false;
  sc_core::sc_event tick_;
};

}  // namespace star
