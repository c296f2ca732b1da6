// What a command processor runs a checked job on: one STAR core (StarCoreEngine, the single-core
// SoC) or the cores of a Spatial-STAR mesh (mesh/mesh_command_processor.h). The command processor
// owns the register protocol (ring walk, descriptor checks, STATUS, IRQ, PERF); the engine starts
// the job, signals its end and reports its cycles and DRAM traffic.
#pragma once

#include <systemc>

#include <cstdint>

#include "star_core/star_core.h"

namespace star {

// The last job's figures, valid once the engine is no longer busy.
struct JobOutcome {
  std::uint64_t cycles = 0;  // core cycles from start to end
  std::uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  bool memory_error = false;  // the memory answered an error: the job's data is not trusted
};

class JobEngine {
 public:
  virtual ~JobEngine() = default;
  // The configuration every core of the engine has (capabilities, descriptor limits).
  virtual const CoreConfig& core_config() const = 0;
  // Cores a mesh dispatches to (MESH_CORES); 0 for a single core.
  virtual std::uint32_t mesh_cores() const { return 0; }
  // Starts `job` (from a process, while not busy). Throws std::invalid_argument naming the
  // problem when the job is refused; nothing runs then.
  virtual void start(const CoreJob& job) = 0;
  virtual const sc_core::sc_event& done() const = 0;
  virtual bool busy() const = 0;
  virtual JobOutcome outcome() const = 0;
  // Untimed read of memory as the engine sees it (functional mode: full-layer shift calibration).
  virtual void read_data(std::uint64_t addr, void* dst, std::uint64_t bytes) = 0;
};

// One STAR core.
class StarCoreEngine : public JobEngine {
 public:
  StarCoreEngine(StarCore& core, std::uint64_t memory_bytes, bool functional)
      : core_(core), memory_bytes_(memory_bytes), functional_(functional) {}
  const CoreConfig& core_config() const override { return core_.config(); }
  void start(const CoreJob& job) override;
  const sc_core::sc_event& done() const override { return core_.done(); }
  bool busy() const override { return core_.busy(); }
  JobOutcome outcome() const override;
  void read_data(std::uint64_t addr, void* dst, std::uint64_t bytes) override {
    core_.fetcher.read_data(addr, dst, bytes);
  }

 private:
  std::uint64_t written() const;
  StarCore& core_;
  std::uint64_t memory_bytes_;
  bool functional_;
  std::uint64_t read0_ = 0, written0_ = 0;
};

}  // namespace star
