#include "mesh/mesh_command_processor.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace star {

Orchestration mesh_orchestration(std::uint32_t v) {
  switch (v) {
    case 0: return Orchestration::query_split;
    case 1: return Orchestration::baseline;
    case 2: return Orchestration::query_split;
    case 3: return Orchestration::query_split_multicast;
    case 4: return Orchestration::kv_split;
    case 5: return Orchestration::ring;
    default: break;
  }
  throw std::invalid_argument("MESH_ORCHESTRATION value " + std::to_string(v) +
                              " names no orchestration (0 to 5)");
}

MeshJobEngine::MeshJobEngine(SpatialStar& mesh, const RegisterBank& regs) : mesh_(mesh), regs_(regs) {}

MeshJobEngine::~MeshJobEngine() = default;

std::uint64_t MeshJobEngine::memory_errors() const {
  std::uint64_t e = 0;
  for (std::uint32_t c = 0; c < mesh_.cores(); ++c) e += mesh_.core(c).fetcher.errors();
  return e;
}

void MeshJobEngine::start(const CoreJob& job) {
  if (busy_) throw std::logic_error("MeshJobEngine::start: a job is running");
  const Orchestration kind = mesh_orchestration(regs_.value(STAR_REG_MESH_ORCHESTRATION));
  // The old plan's threads have all returned (busy_ is false): its execution can go.
  run_.reset();
  plan_ = std::make_unique<MeshPlan>(plan_layer(job, kind, mesh_));
  run_ = std::make_unique<PlanExecution>(mesh_, *plan_);
  busy_ = true;
  start_ = sc_core::sc_time_stamp();
  errors_before_ = memory_errors();
  const std::uint32_t flit_bytes = mesh_.fabric.config().flit_bytes();
  const auto flits = [flit_bytes](std::uint32_t bytes) { return 1 + (bytes + flit_bytes - 1) / flit_bytes; };
  PlanExecution::Hooks hooks;
  const std::uint32_t cp_node = mesh_.command_processor_node();
  hooks.before_job = [this, cp_node, flits](std::uint32_t c, std::size_t) {
    mesh_.fabric.transfer(cp_node, mesh_.core_node(c), flits(STAR_JOB_DESC_SIZE), 0);
    ++job_messages_;
  };
  hooks.after_core = [this, cp_node, flits](std::uint32_t c) {
    mesh_.fabric.transfer(mesh_.core_node(c), cp_node, flits(16), 1);
    ++completion_messages_;
  };
  run_->spawn(std::move(hooks), [this] {
    busy_ = false;
    end_ = sc_core::sc_time_stamp();
    done_.notify(sc_core::SC_ZERO_TIME);
  });
}

JobOutcome MeshJobEngine::outcome() const {
  const MeshRunResult r = last_run();
  JobOutcome o;
  const sc_core::sc_time period(mesh_.config().core.period_ns(), sc_core::SC_NS);
  o.cycles = static_cast<std::uint64_t>(std::llround((end_ - start_) / period));
  for (const std::uint64_t b : r.controller_bytes_read) o.dram_read_bytes += b;
  for (const std::uint64_t b : r.controller_bytes_written) o.dram_write_bytes += b;
  o.memory_error = memory_errors() > errors_before_;
  return o;
}

const MeshPlan& MeshJobEngine::last_plan() const {
  if (!plan_) throw std::logic_error("MeshJobEngine: no job has run");
  return *plan_;
}

MeshRunResult MeshJobEngine::last_run() const {
  if (!run_) throw std::logic_error("MeshJobEngine: no job has run");
  return run_->result();
}

void MeshJobEngine::read_data(std::uint64_t addr, void* dst, std::uint64_t bytes) {
  mesh_.core(0).fetcher.read_data(addr, dst, bytes);
}

MeshCommandProcessor::MeshCommandProcessor(const sc_core::sc_module_name& name, SpatialStar& mesh,
                                           std::uint64_t reg_base)
    : sc_core::sc_module(name),
      host_irq("host_irq"),
      engine(mesh, regs),
      regs("regs"),
      cp("cp", regs, engine, mesh.memory_bytes(), mesh.functional()),
      ni("ni", mesh.fabric, mesh.command_processor_node()),
      mesh_(mesh),
      irq_("irq") {
  if (reg_base < mesh.memory_bytes())
    throw std::invalid_argument("mesh command processor: register base " + std::to_string(reg_base) +
                                " overlaps the memory (" + std::to_string(mesh.memory_bytes()) + " bytes)");
  cp.socket.bind(ni.target_socket);
  ni.initiator_socket.bind(regs.socket);
  mesh.fabric.map_address(reg_base, STAR_REG_BLOCK_BYTES, mesh.command_processor_node());
  regs.irq.bind(irq_);
  SC_HAS_PROCESS(MeshCommandProcessor);
  SC_THREAD(forward_irq);
}

void MeshCommandProcessor::forward_irq() {
  bool delivered = false;
  for (;;) {
    wait(irq_.value_changed_event());
    while (irq_.read() != delivered) {
      const bool level = irq_.read();
      mesh_.fabric.transfer(mesh_.command_processor_node(), mesh_.host_node(), 1, 1);
      ++irq_messages_;
      host_irq.write(level);
      delivered = level;
    }
  }
}

}  // namespace star
