// Parameters of the off-chip HBM model. Defaults follow STAR-SPEC section 3: HBM2, 16 channels at
// 2 GHz with 64-bit (8-byte) pseudo-channels -> 16 GB/s per channel, 256 GB/s peak in total.
#pragma once

#include <systemc>

#include <cstdint>
#include <string>

namespace star {

// functional: real bytes in a sparse backing store. performance: no store at all (reads leave the
// payload untouched), for sequences whose data would not fit; timing is identical in both modes.
enum class DataMode { functional, performance };

DataMode parse_data_mode(const std::string& s);  // "functional" | "performance", else throws
const char* to_string(DataMode m);

struct HbmConfig {
  unsigned channels = 16;
  double clock_hz = 2e9;              // memory clock of each channel's data bus
  std::uint32_t bytes_per_cycle = 8;  // per channel (64-bit pseudo-channel)
  // Fixed access latency added after the data transfer (activate + CAS + controller + PHY).
  // [design] 100 ns: the typical loaded HBM2 read latency seen from an accelerator; no published
  // STAR value exists.
  sc_core::sc_time access_latency = sc_core::sc_time(100, sc_core::SC_NS);
  std::uint64_t interleave_bytes =
      256;  // consecutive blocks of this size go to successive channels
  std::uint64_t capacity_bytes = std::uint64_t{8} << 30;  // one HBM2 stack: 8 GiB
  DataMode mode = DataMode::functional;
  std::uint64_t page_bytes = std::uint64_t{64}
                             << 10;  // backing-store allocation unit (and DMI grant)
  // Window of the bandwidth-utilisation signal and its peak-window statistic.
  sc_core::sc_time monitor_window = sc_core::sc_time(1, sc_core::SC_US);

  sc_core::sc_time clock_period() const;    // 1 / clock_hz (500 ps by default)
  double channel_bytes_per_second() const;  // 16e9 by default
  double peak_bytes_per_second() const;     // all channels: 256e9 by default
  // Throws std::invalid_argument naming the first out-of-range parameter.
  void validate() const;
};

}  // namespace star
