// The single-core STAR SoC: one STAR core whose data fetcher reaches the HBM through the
// address-decoding bus (memory mapped at 0). The host CPU stub and the register bank join the same
// bus (host software issue); tests and the scenario runner drive the core directly meanwhile.
#pragma once

#include <systemc>

#include <string>

#include "bus/address_bus.h"
#include "memory/hbm_memory.h"
#include "star_core/star_core.h"

namespace star {

struct SocConfig {
  CoreConfig core;
  HbmConfig memory;
  sc_core::sc_time bus_latency = sc_core::SC_ZERO_TIME;
};

class StarSoc : public sc_core::sc_module {
 public:
  StarSoc(const sc_core::sc_module_name& name, const SocConfig& cfg);

  // Runs one job to completion (sc_start until the core is done); returns its time.
  // Must be called outside the simulation (from sc_main). Throws std::invalid_argument for a bad
  // job (before simulating) and std::runtime_error when the memory refused any of its accesses.
  sc_core::sc_time run(const CoreJob& job, PerformanceWorkload perf = {},
                       std::vector<CellWork> replay = {});

  bool functional() const { return cfg_.memory.mode == DataMode::functional; }
  std::uint64_t memory_bytes() const { return cfg_.memory.capacity_bytes; }

  HbmMemory memory;
  AddressBus bus;
  StarCore core;

 private:
  SocConfig cfg_;
};

}  // namespace star
