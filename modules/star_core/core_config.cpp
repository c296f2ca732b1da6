#include "star_core/core_config.h"

#include <stdexcept>

namespace star {

namespace {
void require(bool ok, const std::string& field, const std::string& range) {
  if (!ok) throw std::invalid_argument("core." + field + " must be " + range);
}
}  // namespace

void CoreConfig::validate() const {
  require(clock_hz >= 1e6 && clock_hz <= 1e11, "clock_hz", "in [1 MHz, 100 GHz]");
  require(lz_encoders >= 1, "lz_encoders", ">= 1");
  require(dlzs_rows >= 1 && dlzs_cols >= 1, "dlzs_rows/dlzs_cols", ">= 1");
  require(sort_cores >= 1, "sort_cores", ">= 1");
  require(kvgen_rows >= 1 && kvgen_cols >= 1, "kvgen_rows/kvgen_cols", ">= 1");
  require(sufa_rows >= 1 && sufa_cols >= 1, "sufa_rows/sufa_cols", ">= 1");
  require(exp_units >= 1 && div_units >= 1, "exp_units/div_units", ">= 1");
  require(token_buffer_bytes >= 1024, "token_buffer_bytes", ">= 1 KiB");
  require(weight_buffer_bytes >= 1024, "weight_buffer_bytes", ">= 1 KiB");
  require(temp_buffer_bytes >= 1024, "temp_buffer_bytes", ">= 1 KiB");
  require(fifo_depth >= 1 && fifo_depth <= 64, "fifo_depth", "in [1, 64]");
  require(fetch_bytes_per_cycle >= 1 && fetch_bytes_per_cycle <= 4096, "fetch_bytes_per_cycle",
          "in [1, 4096]");
  require(max_burst_bytes >= 64 && max_burst_bytes <= (1u << 24), "max_burst_bytes",
          "in [64, 16 MiB]");
  require(stage_overhead_cycles <= 100000, "stage_overhead_cycles", "<= 100000");
}

}  // namespace star
