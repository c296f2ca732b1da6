#include "memory/memory_config.h"

#include <stdexcept>

namespace star {
namespace {
bool is_power_of_two(std::uint64_t v) { return v && !(v & (v - 1)); }
}  // namespace

DataMode parse_data_mode(const std::string& s) {
  if (s == "functional") return DataMode::functional;
  if (s == "performance") return DataMode::performance;
  throw std::invalid_argument("data mode '" + s + "' is not one of: functional, performance");
}

const char* to_string(DataMode m) {
  return m == DataMode::functional ? "functional" : "performance";
}

sc_core::sc_time HbmConfig::clock_period() const {
  return sc_core::sc_time(1.0 / clock_hz, sc_core::SC_SEC);
}

double HbmConfig::channel_bytes_per_second() const { return clock_hz * bytes_per_cycle; }

double HbmConfig::peak_bytes_per_second() const { return channel_bytes_per_second() * channels; }

void HbmConfig::validate() const {
  auto fail = [](const std::string& msg) { throw std::invalid_argument("HBM config: " + msg); };
  if (channels < 1 || channels > 1024)
    fail("channels = " + std::to_string(channels) + " is outside [1, 1024]");
  if (!(clock_hz >= 1e6 && clock_hz <= 1e11))
    fail("clock_hz = " + std::to_string(clock_hz) + " is outside [1 MHz, 100 GHz]");
  if (bytes_per_cycle < 1 || bytes_per_cycle > 4096)
    fail("bytes_per_cycle = " + std::to_string(bytes_per_cycle) + " is outside [1, 4096]");
  if (clock_period() == sc_core::SC_ZERO_TIME)
    fail("clock period is below the SystemC time resolution");
  if (!is_power_of_two(interleave_bytes))
    fail("interleave_bytes = " + std::to_string(interleave_bytes) + " is not a power of two");
  if (capacity_bytes == 0) fail("capacity_bytes is 0");
  if (capacity_bytes % interleave_bytes)
    fail("capacity_bytes = " + std::to_string(capacity_bytes) +
         " is not a multiple of interleave_bytes = " + std::to_string(interleave_bytes));
  if (monitor_window == sc_core::SC_ZERO_TIME) fail("monitor_window is zero");
  if (!is_power_of_two(page_bytes) || page_bytes < 64 || page_bytes > (std::uint64_t{1} << 30))
    fail("page_bytes = " + std::to_string(page_bytes) + " is not a power of two in [64, 1 GiB]");
}

}  // namespace star
