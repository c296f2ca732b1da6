#include "memory/hbm_memory.h"

#include <fmt/format.h>

#include <stdexcept>

#include "memory/timing_only.h"
#include "stats/stats_registry.h"
#include "tracing/tracer.h"

namespace star {
namespace {
const HbmConfig& validated(const HbmConfig& cfg) {
  cfg.validate();
  return cfg;
}
}  // namespace

HbmMemory::HbmMemory(const sc_core::sc_module_name& name, const HbmConfig& cfg)
    : sc_core::sc_module(name),
      socket("socket"),
      cfg_(validated(cfg)),
      sched_(cfg_),
      store_(cfg_.capacity_bytes, cfg_.page_bytes),
      monitor_("monitor", cfg_.monitor_window, cfg_.peak_bytes_per_second()) {
  socket.register_b_transport(this, &HbmMemory::b_transport);
  socket.register_transport_dbg(this, &HbmMemory::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &HbmMemory::get_direct_mem_ptr);
}

tlm::tlm_response_status HbmMemory::check(const tlm::tlm_generic_payload& trans) const {
  if (!in_range(trans.get_address(), trans.get_data_length()))
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (trans.get_byte_enable_ptr()) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (trans.get_streaming_width() < trans.get_data_length()) return tlm::TLM_BURST_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

void HbmMemory::copy_data(tlm::tlm_generic_payload& trans) {
  if (cfg_.mode != DataMode::functional) return;  // performance mode: payload untouched
  if (is_timing_only(trans)) return;              // the data moves separately
  if (trans.is_read())
    store_.read(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
  else if (trans.is_write())
    store_.write(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
}

void HbmMemory::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const tlm::tlm_response_status status = check(trans);
  if (status != tlm::TLM_OK_RESPONSE) {
    ++errors_;
    trans.set_response_status(status);
    return;
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time arrival = now + delay;
  const std::uint64_t len = trans.get_data_length();
  const auto booking = sched_.schedule(trans.get_address(), len, arrival, trans.is_write());
  delay = booking.completion - now;
  ++(trans.is_write() ? writes_ : reads_);
  latency_ns_.sample((booking.completion - arrival) / sc_core::sc_time(1, sc_core::SC_NS));
  monitor_.record(len, booking.first_start, booking.data_done);
  copy_data(trans);
  trans.set_dmi_allowed(cfg_.mode == DataMode::functional);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned HbmMemory::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return 0;
  }
  if (!in_range(trans.get_address(), trans.get_data_length())) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  if (cfg_.mode != DataMode::functional) {  // no data to show
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return 0;
  }
  copy_data(trans);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return trans.get_data_length();
}

// DMI hands out one backing-store page at a time (pages are not contiguous with each other).
// DMI accesses bypass the channel model: meant for the host's bulk set-up copies.
bool HbmMemory::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = trans.get_address();
  if (cfg_.mode != DataMode::functional || addr >= cfg_.capacity_bytes) return false;
  const std::uint64_t base = store_.page_base(addr);
  const std::uint64_t last = std::min(base + store_.page_bytes(), cfg_.capacity_bytes) - 1;
  dmi.set_dmi_ptr(store_.page_for(addr));
  dmi.set_start_address(base);
  dmi.set_end_address(last);
  dmi.allow_read_write();
  dmi.set_read_latency(cfg_.access_latency);
  dmi.set_write_latency(cfg_.access_latency);
  return true;
}

void HbmMemory::load(std::uint64_t addr, const void* src, std::uint64_t len) {
  if (cfg_.mode != DataMode::functional)
    throw std::invalid_argument(std::string(name()) + ": load() needs functional mode");
  if (!in_range(addr, len))
    throw std::invalid_argument(
        fmt::format("{}: load of {} bytes at {:#x} leaves the {}-byte memory", name(), len, addr,
                    cfg_.capacity_bytes));
  store_.write(addr, static_cast<const std::uint8_t*>(src), len);
}

void HbmMemory::dump(std::uint64_t addr, void* dst, std::uint64_t len) const {
  if (cfg_.mode != DataMode::functional)
    throw std::invalid_argument(std::string(name()) + ": dump() needs functional mode");
  if (!in_range(addr, len))
    throw std::invalid_argument(
        fmt::format("{}: dump of {} bytes at {:#x} leaves the {}-byte memory", name(), len, addr,
                    cfg_.capacity_bytes));
  store_.read(addr, static_cast<std::uint8_t*>(dst), len);
}

void HbmMemory::clear_store() {
  store_.clear();
  for (unsigned i = 0; i < socket.size(); ++i)
    socket[i]->invalidate_direct_mem_ptr(0, cfg_.capacity_bytes - 1);
}

void HbmMemory::register_stats(StatsRegistry& reg, std::string prefix) const {
  if (prefix.empty()) prefix = name();
  reg.add_counter(prefix + ".reads", reads_, "1", "read transactions served");
  reg.add_counter(prefix + ".writes", writes_, "1", "write transactions served");
  reg.add_counter(prefix + ".errors", errors_, "1", "transactions answered with an error response");
  reg.add_average(prefix + ".mean_latency_ns", latency_ns_, "ns",
                  "mean time from arrival to completion of a transaction");
  reg.add_integer(
      prefix + ".bytes_read",
      [this] {
        std::uint64_t s = 0;
        for (unsigned c = 0; c < sched_.channels(); ++c) s += sched_.bytes_read(c).value();
        return s;
      },
      "bytes", "bytes read over all channels");
  reg.add_integer(
      prefix + ".bytes_written",
      [this] {
        std::uint64_t s = 0;
        for (unsigned c = 0; c < sched_.channels(); ++c) s += sched_.bytes_written(c).value();
        return s;
      },
      "bytes", "bytes written over all channels");
  const int width = sched_.channels() > 100 ? 3 : 2;
  for (unsigned c = 0; c < sched_.channels(); ++c) {
    const std::string ch = fmt::format("{}.ch{:0{}}", prefix, c, width);
    reg.add_counter(ch + ".bytes_read", sched_.bytes_read(c), "bytes",
                    "bytes read on this channel");
    reg.add_counter(ch + ".bytes_written", sched_.bytes_written(c), "bytes",
                    "bytes written on this channel");
    reg.add_value(
        ch + ".busy_ns",
        [this, c] { return sched_.busy_time(c) / sc_core::sc_time(1, sc_core::SC_NS); }, "ns",
        "time this channel's data bus was transferring");
    reg.add_value(
        ch + ".utilisation",
        [this, c] {
          const double now = sc_core::sc_time_stamp().to_seconds();
          return now > 0 ? sched_.busy_time(c).to_seconds() / now : 0.0;
        },
        "1", "busy time / simulated time");
  }
  monitor_.register_stats(reg, prefix + ".bandwidth");
}

void HbmMemory::trace(Tracer& tracer, std::string module) {
  if (module.empty()) module = name();
  monitor_.trace(tracer, module);
}

}  // namespace star
