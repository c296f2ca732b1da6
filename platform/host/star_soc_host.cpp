#include "host/star_soc_host.h"

namespace star {

StarSocHost::StarSocHost(const sc_core::sc_module_name& name, const SocConfig& cfg)
    : sc_core::sc_module(name),
      soc("soc", cfg),
      regs("regs"),
      cp("cp", regs, soc.core, cfg.memory.capacity_bytes, cfg.memory.mode == DataMode::functional),
      cpu("cpu", reg_base_for(cfg.memory.capacity_bytes), kHostMemBase, cfg.memory.capacity_bytes - kHostMemBase),
      reg_base_(reg_base_for(cfg.memory.capacity_bytes)),
      irq_("irq") {
  // Initiators: 0 = core fetcher (StarSoc), 1 = host CPU, 2 = command processor.
  cpu.socket.bind(soc.bus.target_socket);
  cp.socket.bind(soc.bus.target_socket);
  // Targets: 0 = memory (StarSoc), 1 = register bank.
  soc.bus.initiator_socket.bind(regs.socket);
  soc.bus.map(reg_base_, STAR_REG_BLOCK_BYTES, 1, "regs");
  regs.irq.bind(irq_);
  cpu.irq.bind(irq_);
}

bool StarSocHost::run(HostCpu::Program program, sc_core::sc_time limit) {
  cpu.set_program(std::move(program));
  const sc_core::sc_time step(1, sc_core::SC_MS);
  while (!cpu.finished() && sc_core::sc_time_stamp() < limit) sc_core::sc_start(step);
  return cpu.finished();
}

}  // namespace star
