// The timing core of the HBM model, kept apart from the TLM socket so it is easy to check by hand.
//
// Address a belongs to channel (a / interleave_bytes) % channels. A transaction [addr, addr + len)
// is split into per-channel byte counts; each channel is a single data bus that serves requests
// in the order they are scheduled (first come, first served) and is busy until a time:
//   start_c      = max(arrival, busy_until_c)
//   done_c       = start_c + ceil(bytes_c / bytes_per_cycle) / clock_hz
//   busy_until_c = done_c
//   completion   = max_c(done_c) + access_latency
// The access latency is pipelined (it does not occupy the channel), so back-to-back requests
// stream at full bandwidth. With temporal decoupling `arrival` may lie ahead of sc_time_stamp();
// requests are served in the order their initiators call b_transport, which is the usual
// loosely-timed approximation.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "memory/memory_config.h"
#include "stats/statistic.h"

namespace star {

class ChannelScheduler {
 public:
  explicit ChannelScheduler(const HbmConfig& cfg);

  unsigned channel_of(std::uint64_t addr) const {
    return static_cast<unsigned>((addr / cfg_.interleave_bytes) % cfg_.channels);
  }
  // Bytes of [addr, addr + len) falling in each channel (size = channels).
  std::vector<std::uint64_t> split(std::uint64_t addr, std::uint64_t len) const;

  struct Booking {
    sc_core::sc_time first_start;  // earliest channel start: when data begins to move
    sc_core::sc_time data_done;    // latest channel end: when the last byte has moved
    sc_core::sc_time completion;   // data_done + access latency: when the initiator has its answer
  };
  // Books the transfer on its channels (all times absolute).
  Booking schedule(std::uint64_t addr, std::uint64_t len, const sc_core::sc_time& arrival,
                   bool is_write);

  // Data-bus time of `bytes` on one channel: ceil(bytes / bytes_per_cycle) cycles.
  sc_core::sc_time transfer_time(std::uint64_t bytes) const;

  unsigned channels() const { return cfg_.channels; }
  const sc_core::sc_time& busy_until(unsigned ch) const { return state_.at(ch).busy_until; }
  const sc_core::sc_time& busy_time(unsigned ch) const { return state_.at(ch).busy_time; }
  const Counter& bytes_read(unsigned ch) const { return state_.at(ch).bytes_read; }
  const Counter& bytes_written(unsigned ch) const { return state_.at(ch).bytes_written; }
  // Time of the latest data transfer end over all channels.
  sc_core::sc_time last_busy() const;

 private:
  struct ChannelState {
    sc_core::sc_time busy_until = sc_core::SC_ZERO_TIME;
    sc_core::sc_time busy_time = sc_core::SC_ZERO_TIME;
    Counter bytes_read;
    Counter bytes_written;
  };
  HbmConfig cfg_;
  std::vector<ChannelState> state_;
};

}  // namespace star
