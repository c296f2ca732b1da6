// The STAR core's controller: sequences a job's (head, query block, key tile) cells into the
// stage pipeline and collects them at its end. Coordinated flow: every cell once, in schedule
// order, the stages overlapping through their FIFOs. Stage-isolated flow: seven passes over all
// cells (Q, predict, top-k, K/V generation, QK^T, softmax, P V and output; docs/tiling.md), each
// pass finishing before the next starts, the intermediates going through DRAM.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "star_core/stage_engine.h"
#include "tracing/traced_value.h"

namespace star {

class Tracer;

class TileController : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TileController);
  sc_core::sc_fifo_out<TokenPtr> to_pipeline;
  sc_core::sc_fifo_in<TokenPtr> from_pipeline;

  explicit TileController(const sc_core::sc_module_name& name);

  // Starts `ctx`'s job at the current time (or at time 0 before sc_start). The job must outlive
  // the run; done() fires when its last tile has left the pipeline.
  void start(JobContext* ctx);
  const sc_core::sc_event& done() const { return done_; }
  bool busy() const { return busy_; }
  const sc_core::sc_time& job_start() const { return start_time_; }
  const sc_core::sc_time& job_end() const { return end_time_; }
  std::uint64_t tiles_issued() const { return issued_; }
  // The job-done line: raised when a job ends, lowered when the next starts. (The register bank
  // turns it into the IRQ_STATUS bit and the interrupt output.)
  bool done_line() const { return done_line_.read(); }
  void trace(Tracer& tracer, const std::string& module);

 private:
  void issue();
  void collect();

  JobContext* ctx_ = nullptr;
  sc_core::sc_event start_, pass_done_, done_;
  bool busy_ = false;
  std::uint64_t expected_ = 0, collected_ = 0, issued_ = 0;
  sc_core::sc_time start_time_, end_time_;
  TracedValue<bool> done_line_{false};
  TracedValue<std::uint32_t> pass_{0};
};

}  // namespace star
