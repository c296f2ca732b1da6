// The command processor: the SystemC glue between the register bank and a job engine (one STAR
// core, or a Spatial-STAR mesh: host/job_engine.h). On a doorbell (RING_TAIL write or CTRL.START)
// it walks the descriptor ring from RING_HEAD to RING_TAIL: reads each descriptor from DRAM over
// its own TLM initiator (timed), checks it (regbank/job_descriptor), maps it to a CoreJob, runs it
// on the engine, writes the completion word and the job's cycles back into the descriptor,
// updates STATUS, ERROR_CODE/ERROR_INFO, RING_HEAD and the PERF_* counters, and raises
// IRQ_STATUS bits.
//
// Bad programming never stops the simulation: a bad ring or a doorbell in reset sets CMD_ERROR;
// a bad descriptor, a CoreJob the core refuses (mapped to the nearest documented code, see
// core_error_code) or a descriptor read that the memory answers with an error sets JOB_ERROR and
// the ring moves on. CTRL.ABORT reports ABORTED at once; the core cannot be stopped mid-job, so
// it drains the job in the background and the next job starts when it has (documented limit).
//
// Descriptor fields the core has no equivalent for: non-packed strides are refused as BAD_STRIDE
// (the core reads packed head-major tensors only); a full-layer job needs per-layer shifts the
// descriptor has no field for, so they are derived with calibrate_layer_shifts from the X and
// weights in DRAM (functional mode) - the same values the firmware would compute.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <memory>
#include <string>

#include "host/job_engine.h"
#include "regbank/job_descriptor.h"
#include "regbank/register_bank.h"
#include "star_core/star_core.h"

namespace star {

class CommandProcessor : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<CommandProcessor> socket;  // descriptor reads/write-backs

  // On one STAR core.
  CommandProcessor(const sc_core::sc_module_name& name, RegisterBank& regs, StarCore& core,
                   std::uint64_t memory_bytes, bool functional);
  // On any engine (a Spatial-STAR mesh: mesh/mesh_command_processor.h); `engine` outlives this.
  CommandProcessor(const sc_core::sc_module_name& name, RegisterBank& regs, JobEngine& engine,
                   std::uint64_t memory_bytes, bool functional);

  // Times of the last job's core run and of its interrupt (for tests asserting timing).
  const sc_core::sc_time& last_core_start() const { return core_start_; }
  const sc_core::sc_time& last_core_end() const { return core_end_; }
  const sc_core::sc_time& last_irq_time() const { return irq_time_; }
  std::uint64_t last_job_cycles() const { return last_cycles_; }
  const std::string& last_error_message() const { return last_message_; }

 private:
  void init();
  void install_hooks();
  void set_capabilities();
  void on_ctrl(std::uint32_t written);
  void doorbell();
  void command_error(std::uint32_t code, const std::string& message);
  void run();  // SC_THREAD
  bool run_one(std::uint32_t index);  // false when aborted
  void finish_job(std::uint32_t index, std::uint64_t desc_addr, std::uint32_t code,
                  std::uint32_t field_offset, std::uint64_t cycles);
  bool bus_access(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len);
  CoreJob to_core_job(const JobDescriptor& d, DescriptorCheck& check);
  void set_status(bool busy, bool done, bool error, std::uint32_t code);
  void add_counter64(std::uint32_t lo_offset, std::uint64_t amount);
  bool enabled() const;

  RegisterBank& regs_;
  std::unique_ptr<JobEngine> own_engine_;
  JobEngine& engine_;
  std::uint64_t memory_bytes_;
  bool functional_;
  sc_core::sc_event doorbell_event_, abort_event_;
  bool abort_requested_ = false;
  bool doorbell_pending_ = false;
  bool running_ = false;
  sc_core::sc_time core_start_, core_end_, irq_time_;
  std::uint64_t last_cycles_ = 0;
  std::string last_message_;
};

// Documented error code for a CoreJob the core refused (std::invalid_argument text).
std::uint32_t core_error_code(const std::string& message);

}  // namespace star
