// The STAR core's data fetcher / DMA: the one TLM-2.0 initiator between the core and DRAM.
// Stages hand it transfers from the tiling model's per-cell plan (contiguous tiles, and gathers of
// selected rows in RASS order); it cuts them into bursts of at most max_burst_bytes and issues
// them loosely timed (b_transport with annotated delay, temporal decoupling: the calling stage
// waits once per tile, not per burst).
//
// Timing [design]: the fetcher's interface moves fetch_bytes_per_cycle per core cycle and is shared
// by the stages (a burst starts when both the stage asks and the interface is free); the memory
// model adds its channel contention and latency. A gather of n rows is timed as n x row bytes of
// bursts: the HBM model has no row-buffer state, so scattered rows cost what contiguous bytes cost.
// Bursts are timing-only transactions; in functional mode the data itself moves through debug
// transport (read_data / write_data), so both data modes see exactly the same timing.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstdint>
#include <string>

#include "controller/transfer_plan.h"
#include "star_core/core_config.h"
#include "stats/statistic.h"

namespace star {

class StatsRegistry;
class BandwidthMonitor;

class DataFetcher : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DataFetcher> socket;

  DataFetcher(const sc_core::sc_module_name& name, const CoreConfig& cfg);

  // Moves `bytes` at `addr` for `stage`, starting no earlier than `start` (absolute time, at or
  // after now); returns the absolute time the last byte has arrived (reads) or been accepted
  // (writes). A memory error does not stop the simulation: it is counted and remembered
  // (errors(), first_error()) for the job's owner to report, and the burst counts as done.
  // max_burst: the longest burst (0: the configuration's max_burst_bytes; batched performance-mode
  // macro cells pass a multiple of it).
  sc_core::sc_time transfer(Stage stage, Direction dir, std::uint64_t addr, std::uint64_t bytes,
                            const sc_core::sc_time& start, std::uint64_t max_burst = 0);

  // Functional data, untimed (debug transport through the bus). A refused access is counted as a
  // memory error like a refused burst (reads then yield zeros); nothing throws.
  void read_data(std::uint64_t addr, void* dst, std::uint64_t len);
  void write_data(std::uint64_t addr, const void* src, std::uint64_t len);

  std::uint64_t bytes(Stage s, Direction d) const {
    return bytes_[static_cast<std::size_t>(s)][d == Direction::read ? 0 : 1].value();
  }
  std::uint64_t dram_bytes() const;
  std::uint64_t bursts() const { return bursts_.value(); }
  std::uint64_t errors() const { return errors_.value(); }
  const std::string& first_error() const { return first_error_; }
  const sc_core::sc_time& interface_busy() const { return iface_busy_; }
  void register_stats(StatsRegistry& reg, const std::string& prefix) const;
  void set_monitor(BandwidthMonitor* m) { monitor_ = m; }
  void reset_stats();

 private:
  void debug(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, std::uint64_t len);

  CoreConfig cfg_;
  sc_core::sc_time period_;
  sc_core::sc_time iface_free_ = sc_core::SC_ZERO_TIME;
  sc_core::sc_time iface_busy_ = sc_core::SC_ZERO_TIME;
  std::array<std::array<Counter, 2>, kStageCount> bytes_;
  Counter bursts_, errors_;
  std::string first_error_;
  BandwidthMonitor* monitor_ = nullptr;
  std::vector<unsigned char> scratch_;
};

}  // namespace star
