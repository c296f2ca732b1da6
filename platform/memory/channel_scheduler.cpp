#include "memory/channel_scheduler.h"

#include <algorithm>

namespace star {

ChannelScheduler::ChannelScheduler(const HbmConfig& cfg)
    : cfg_(cfg), state_(cfg.channels) {
  cfg_.validate();
}

std::vector<std::uint64_t> ChannelScheduler::split(std::uint64_t addr, std::uint64_t len) const {
  const std::uint64_t g = cfg_.interleave_bytes;
  const unsigned n = cfg_.channels;
  std::vector<std::uint64_t> bytes(n, 0);
  // Leading partial granule.
  if (len && addr % g) {
    const std::uint64_t k = std::min(len, g - addr % g);
    bytes[channel_of(addr)] += k;
    addr += k, len -= k;
  }
  // Whole granules: every full round of `n` granules gives each channel one granule.
  std::uint64_t granules = len / g;
  if (granules) {
    const std::uint64_t rounds = granules / n;
    if (rounds)
      for (auto& b : bytes) b += rounds * g;
    unsigned ch = channel_of(addr);
    for (std::uint64_t i = 0; i < granules % n; ++i, ch = (ch + 1) % n) bytes[ch] += g;
    addr += granules * g, len -= granules * g;
  }
  // Trailing partial granule.
  if (len) bytes[channel_of(addr)] += len;
  return bytes;
}

sc_core::sc_time ChannelScheduler::transfer_time(std::uint64_t bytes) const {
  const std::uint64_t cycles = (bytes + cfg_.bytes_per_cycle - 1) / cfg_.bytes_per_cycle;
  // Rounded once per transfer, not per cycle: at 3 GHz a 333 ps period would lose 0.1 %.
  return sc_core::sc_time(static_cast<double>(cycles) / cfg_.clock_hz, sc_core::SC_SEC);
}

ChannelScheduler::Booking ChannelScheduler::schedule(std::uint64_t addr, std::uint64_t len,
                                                     const sc_core::sc_time& arrival,
                                                     bool is_write) {
  const std::vector<std::uint64_t> bytes = split(addr, len);
  sc_core::sc_time data_done = arrival;
  sc_core::sc_time first_start = sc_core::sc_max_time();
  for (unsigned ch = 0; ch < bytes.size(); ++ch) {
    if (!bytes[ch]) continue;
    ChannelState& s = state_[ch];
    const sc_core::sc_time xfer = transfer_time(bytes[ch]);
    const sc_core::sc_time start = std::max(arrival, s.busy_until);
    first_start = std::min(first_start, start);
    s.busy_until = start + xfer;
    s.busy_time += xfer;
    (is_write ? s.bytes_written : s.bytes_read) += bytes[ch];
    data_done = std::max(data_done, s.busy_until);
  }
  if (first_start > data_done) first_start = arrival;  // zero-length transfer
  return {first_start, data_done, data_done + cfg_.access_latency};
}

sc_core::sc_time ChannelScheduler::last_busy() const {
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;
  for (const auto& s : state_) t = std::max(t, s.busy_until);
  return t;
}

}  // namespace star
