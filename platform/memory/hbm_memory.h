// The off-chip HBM as a loosely-timed TLM-2.0 target. Any number of initiators bind to `socket`
// (directly or through an AddressBus); they share the channels, so their transfers contend.
// Timing is ChannelScheduler's (see there); data lives in a SparseStore in functional mode and
// nowhere in performance mode. Addresses are local: 0 .. capacity_bytes - 1.
//
// Responses: address beyond capacity, or a transfer crossing its end -> TLM_ADDRESS_ERROR_RESPONSE;
// byte enables -> TLM_BYTE_ENABLE_ERROR_RESPONSE; streaming width below the length ->
// TLM_BURST_ERROR_RESPONSE; TLM_IGNORE_COMMAND -> OK, no data, no timing. Debug transport in
// performance mode -> TLM_GENERIC_ERROR_RESPONSE (there is no data).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <string>

#include "memory/channel_scheduler.h"
#include "memory/memory_config.h"
#include "memory/sparse_store.h"
#include "stats/statistic.h"
#include "tracing/bandwidth_monitor.h"

namespace star {

class StatsRegistry;
class Tracer;

class HbmMemory : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<HbmMemory> socket;

  HbmMemory(const sc_core::sc_module_name& name, const HbmConfig& cfg = HbmConfig{});

  const HbmConfig& config() const { return cfg_; }
  const ChannelScheduler& scheduler() const { return sched_; }
  const BandwidthMonitor& monitor() const { return monitor_; }

  // Untimed backdoor for loaders and checkers (functional mode only); throws std::invalid_argument
  // when the range leaves the memory or the memory has no store.
  void load(std::uint64_t addr, const void* src, std::uint64_t len);
  void dump(std::uint64_t addr, void* dst, std::uint64_t len) const;
  std::size_t allocated_pages() const { return store_.allocated_pages(); }
  // Drops the whole store (memory reads as zero again) and revokes every DMI pointer.
  void clear_store();

  std::uint64_t reads() const { return reads_.value(); }
  std::uint64_t writes() const { return writes_.value(); }
  std::uint64_t errors() const { return errors_.value(); }

  // Registers "<prefix>.reads", ".bytes_read", ".chNN.busy_ns", ... (prefix defaults to name()).
  void register_stats(StatsRegistry& reg, std::string prefix = {}) const;
  // Registers "<module>.utilisation" (module defaults to name()).
  void trace(Tracer& tracer, std::string module = {});

 private:
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(int port, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  tlm::tlm_response_status check(const tlm::tlm_generic_payload& trans) const;
  bool in_range(std::uint64_t addr, std::uint64_t len) const {
    return addr < cfg_.capacity_bytes && len <= cfg_.capacity_bytes - addr;
  }
  void copy_data(tlm::tlm_generic_payload& trans);

  HbmConfig cfg_;
  ChannelScheduler sched_;
  SparseStore store_;
  BandwidthMonitor monitor_;
  Counter reads_, writes_, errors_;
  Average latency_ns_;
};

}  // namespace star
