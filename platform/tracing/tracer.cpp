#include "tracing/tracer.h"

#include <fnmatch.h>
#include <sysc/tracing/sc_tracing_ids.h>  // SC_ID_TRACING_CLOSE_EMPTY_FILE_

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace star {

void TraceConfig::validate() const {
  if (enabled && path.empty()) throw std::invalid_argument("tracing is enabled but path is empty");
  if (end <= start)
    throw std::invalid_argument("trace window end (" + end.to_string() +
                                ") is not after its start (" + start.to_string() + ")");
  for (const auto& f : module_filter)
    if (f.empty()) throw std::invalid_argument("trace module filter has an empty entry");
}

namespace {
std::string strip_vcd_suffix(const std::string& path) {
  const std::string ext = ".vcd";
  if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0)
    return path.substr(0, path.size() - ext.size());
  return path;
}
}  // namespace

Tracer::Tracer(const sc_core::sc_module_name& name, TraceConfig cfg)
    : sc_core::sc_module(name), cfg_(std::move(cfg)) {
  cfg_.validate();
  if (!cfg_.enabled) return;
  // sc_create_vcd_trace_file appends ".vcd" itself.
  tf_ = sc_core::sc_create_vcd_trace_file(strip_vcd_suffix(cfg_.path).c_str());
  if (!tf_) throw std::runtime_error("cannot create VCD trace file '" + vcd_path() + "'");
  tf_->set_time_unit(1, sc_core::SC_PS);
  SC_THREAD(window_thread);
}

Tracer::~Tracer() {
  try {
    close();
  } catch (...) {  // a destructor must not throw; the file is closed in any case
  }
}

void Tracer::close() {
  if (!tf_) return;
  // Closed before the simulation ran (a run refused while the platform was built): no file, and
  // no warning about it.
  if (sc_core::sc_get_status() == sc_core::SC_ELABORATION)
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_TRACING_CLOSE_EMPTY_FILE_, sc_core::SC_DO_NOTHING);
  flush_last_time_step();
  sc_core::sc_close_vcd_trace_file(tf_);
  tf_ = nullptr;
}

void Tracer::flush_last_time_step() {
  if (sc_core::sc_get_status() != sc_core::SC_PAUSED || std::uncaught_exceptions()) return;
  const sc_core::sc_time tick = sc_core::sc_get_time_resolution();
  flush_.notify(tick);
  sc_core::sc_start(tick);
}

std::string Tracer::vcd_path() const {
  return cfg_.enabled ? strip_vcd_suffix(cfg_.path) + ".vcd" : std::string{};
}

bool Tracer::matches(const std::string& pattern, const std::string& module) {
  if (fnmatch(pattern.c_str(), module.c_str(), 0) == 0) return true;
  return module.compare(0, pattern.size(), pattern) == 0 &&
         (module.size() == pattern.size() || module[pattern.size()] == '.');
}

bool Tracer::selects(const std::string& module) const {
  if (!cfg_.enabled) return false;
  if (cfg_.module_filter.empty()) return true;
  for (const auto& pattern : cfg_.module_filter)
    if (matches(pattern, module)) return true;
  return false;
}

std::vector<std::string> Tracer::unmatched_filters() const {
  std::vector<std::string> unmatched;
  for (const auto& pattern : cfg_.module_filter)
    if (std::none_of(offered_.begin(), offered_.end(), [&](const std::string& m) { return matches(pattern, m); }))
      unmatched.push_back(pattern);
  return unmatched;
}

bool Tracer::window_open() const {
  if (!tf_) return false;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  return now >= cfg_.start && now < cfg_.end;
}

bool Tracer::admit(const std::string& module, const std::string& signal) {
  if (!tf_) return false;
  offered_.insert(module);
  if (!selects(module)) return false;
  if (sc_core::sc_is_running())
    throw std::logic_error("Tracer: '" + module + "." + signal +
                           "' registered after the simulation started");
  names_.push_back(module + "." + signal);
  return true;
}

// At the window start every traced value catches up with its module's true value; from then on
// writes go through until the window ends.
void Tracer::window_thread() {
  if (cfg_.start > sc_core::SC_ZERO_TIME) sc_core::wait(cfg_.start);
  for (auto& sync : syncs_) sync();
}

}  // namespace star
