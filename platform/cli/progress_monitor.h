// Progress of a long run on stderr: a passive SystemC process that wakes every microsecond of
// simulated time, and once the run has taken `quiet_seconds` of wall time prints simulated time,
// tiles done and an ETA about once a second. It only reads the core's counters, so it cannot
// change the timing of the run.
#pragma once

#include <systemc>

#include <chrono>

#include "star_core/star_core.h"

namespace star {

class ProgressMonitor : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ProgressMonitor);
  ProgressMonitor(const sc_core::sc_module_name& name, const StarCore& core, bool enabled,
                  double quiet_seconds = 3.0);
  // Prints the final line if any progress was shown (so the last line says 100 %).
  void finish();

 private:
  void watch();
  void print(bool final);

  const StarCore& core_;
  bool enabled_;
  double quiet_s_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace star
