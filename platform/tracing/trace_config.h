// What to trace: off by default, so a run pays nothing for waveforms it did not ask for.
#pragma once

#include <systemc>

#include <string>
#include <vector>

namespace star {

struct TraceConfig {
  bool enabled = false;
  std::string path;  // VCD file; ".vcd" is appended when missing
  // Traced values change in the VCD only inside [start, end): outside it they hold their value,
  // so a long run yields a small file around the interesting part.
  sc_core::sc_time start = sc_core::SC_ZERO_TIME;
  sc_core::sc_time end = sc_core::sc_max_time();
  // Modules to trace; empty selects all. Each entry is a glob ("core.*", "mem?") or a module name
  // that also selects its sub-modules ("core" selects "core" and "core.sufa").
  std::vector<std::string> module_filter;

  // Throws std::invalid_argument: enabled without a path, or end <= start.
  void validate() const;
};

}  // namespace star
