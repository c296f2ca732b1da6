// Waveform tracing for the whole platform: one VCD file (GTKWave opens it), created only when
// tracing is enabled. Modules register their signals under their own hierarchical name; the
// module filter decides which are recorded. Create the Tracer during elaboration, before the
// modules that register with it (so it is destroyed after them), and before sc_start().
//
//   Tracer tracer("tracer", cfg);
//   tracer.trace("core.sufa", "busy", busy_);   // TracedValue<bool> busy_ in the module
//
// Signal names in the VCD are "<module>.<signal>"; SystemC turns the dots into VCD scopes.
#pragma once

#include <systemc>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tracing/trace_config.h"
#include "tracing/traced_value.h"

namespace star {

class Tracer : public sc_core::sc_module, public TraceWindow {
 public:
  SC_HAS_PROCESS(Tracer);
  Tracer(const sc_core::sc_module_name& name, TraceConfig cfg);
  ~Tracer() override;

  bool enabled() const { return tf_ != nullptr; }
  const TraceConfig& config() const { return cfg_; }
  // True when the filter selects `module` (always false when tracing is off).
  bool selects(const std::string& module) const;
  bool window_open() const override;
  // The VCD file's path (with ".vcd"), empty when disabled.
  std::string vcd_path() const;
  // Names registered so far ("module.signal"), in registration order.
  const std::vector<std::string>& traced_names() const { return names_; }
  // Every module offered for tracing so far, selected or not (sorted, once each), and the module
  // filter's entries that select none of them: a typo would otherwise give an empty trace.
  const std::set<std::string>& offered_modules() const { return offered_; }
  std::vector<std::string> unmatched_filters() const;

  // Each returns whether the signal is recorded (tracing on and module selected).
  template <class T>
  bool trace(const std::string& module, const std::string& signal, TracedValue<T>& v) {
    if (!admit(module, signal)) return false;
    sc_core::sc_trace(tf_, v.shown_, names_.back());
    v.window_ = this;
    TracedValue<T>* p = &v;
    syncs_.push_back([p] { p->shown_ = p->value_; });
    return true;
  }
  // A signal the module drives itself: recorded whenever it changes (no window).
  template <class T>
  bool trace(const std::string& module, const std::string& signal, const sc_core::sc_signal<T>& s) {
    if (!admit(module, signal)) return false;
    sc_core::sc_trace(tf_, s, names_.back());
    return true;
  }

  // A plain variable the module writes itself (e.g. a mean it computes once per window): recorded
  // as it is, so the module changes it only while window_open() (NocFabric does).
  template <class T>
  bool trace_variable(const std::string& module, const std::string& signal, const T& v) {
    if (!admit(module, signal)) return false;
    sc_core::sc_trace(tf_, v, names_.back());
    return true;
  }

  // Flushes and closes the file (also done by the destructor). Later writes are not recorded.
  // SystemC's VCD writer records a time step's values only when time moves past it, so changes
  // made in the simulation's last time step (a final IRQ, a utilisation returning to 0) would be
  // lost: when the simulation is paused, close() therefore advances it by one time-resolution unit
  // first. Write reports that depend on sc_time_stamp() before calling close().
  void close();

 private:
  bool admit(const std::string& module, const std::string& signal);
  void window_thread();
  void flush_last_time_step();

  // Whether a module filter entry selects `module`: a glob, or the module or one of its parents.
  static bool matches(const std::string& pattern, const std::string& module);

  TraceConfig cfg_;
  sc_core::sc_trace_file* tf_ = nullptr;
  std::vector<std::string> names_;
  std::set<std::string> offered_;
  std::vector<std::function<void()>> syncs_;
  sc_core::sc_event flush_;  // gives the kernel something to do for one resolution unit
};

}  // namespace star
