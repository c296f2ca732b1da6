// The mesh command processor: the Spatial-STAR device the host's driver programs. It sits at its
// own network interface on an edge router (MeshConfig::command_processor_position) and holds the
// same register bank and command processor as one STAR core (host/command_processor.h: ring walk,
// descriptor checks, STATUS, ERROR_*, IRQ, PERF), so the single-core driver and offload functions
// run unchanged. What differs is the engine behind it (MeshJobEngine):
//  - a checked descriptor's CoreJob is planned with plan_layer over every core, with the
//    orchestration the MESH_ORCHESTRATION register names (0: query_split);
//  - core c gets each of its jobs as a descriptor-sized NoC message (STAR_JOB_DESC_SIZE bytes,
//    request class) from the command processor's router to its own, sent when the core is ready
//    for it (one job in flight per core), and runs it in its PlanExecution dispatcher;
//  - after its last job a core sends a completion message (16 bytes, response class) back;
//  - when every core (and kv_split's merges) is done, the command processor completes the
//    descriptor and raises IRQ_STATUS; the line change travels to the host's router as a one-flit
//    message (response class) and drives the host CPU's IRQ line there.
// Register accesses reach the bank over the NoC (the bank is mapped at reg_base in the fabric's
// address map); descriptor reads and write-backs leave through the same interface.
#pragma once

#include <systemc>

#include <cstdint>
#include <memory>

#include "host/command_processor.h"
#include "host/job_engine.h"
#include "mesh/orchestration.h"
#include "mesh/spatial_star.h"
#include "noc/network_interface.h"
#include "regbank/register_bank.h"

namespace star {

// MESH_ORCHESTRATION value -> orchestration; throws std::invalid_argument for an unknown value.
Orchestration mesh_orchestration(std::uint32_t register_value);

class MeshJobEngine : public JobEngine {
 public:
  MeshJobEngine(SpatialStar& mesh, const RegisterBank& regs);
  ~MeshJobEngine() override;

  const CoreConfig& core_config() const override { return mesh_.config().core; }
  std::uint32_t mesh_cores() const override { return mesh_.cores(); }
  void start(const CoreJob& job) override;
  const sc_core::sc_event& done() const override { return done_; }
  bool busy() const override { return busy_; }
  JobOutcome outcome() const override;
  void read_data(std::uint64_t addr, void* dst, std::uint64_t bytes) override;

  // The last job's plan and run (after it is done).
  const MeshPlan& last_plan() const;
  MeshRunResult last_run() const;
  std::uint64_t job_messages() const { return job_messages_; }
  std::uint64_t completion_messages() const { return completion_messages_; }

 private:
  std::uint64_t memory_errors() const;

  SpatialStar& mesh_;
  const RegisterBank& regs_;
  std::unique_ptr<MeshPlan> plan_;
  std::unique_ptr<PlanExecution> run_;
  sc_core::sc_event done_;
  bool busy_ = false;
  sc_core::sc_time start_, end_;
  std::uint64_t errors_before_ = 0;
  std::uint64_t job_messages_ = 0, completion_messages_ = 0;
};

class MeshCommandProcessor : public sc_core::sc_module {
 public:
  sc_core::sc_out<bool> host_irq;  // the host CPU's IRQ line, driven at the host's router

  // Registers at [reg_base, + STAR_REG_BLOCK_BYTES) of the fabric's address map (above the memory).
  MeshCommandProcessor(const sc_core::sc_module_name& name, SpatialStar& mesh, std::uint64_t reg_base);

  std::uint64_t irq_messages() const { return irq_messages_; }

  MeshJobEngine engine;
  RegisterBank regs;
  CommandProcessor cp;
  NetworkInterface ni;  // at mesh.command_processor_node()

 private:
  void forward_irq();  // SC_THREAD

  SpatialStar& mesh_;
  sc_core::sc_signal<bool> irq_;
  std::uint64_t irq_messages_ = 0;
};

}  // namespace star
