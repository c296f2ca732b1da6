#include "mesh/spatial_star_host.h"

#include <stdexcept>

#include "host/star_soc_host.h"

namespace star {

namespace {

MeshConfig with_host(MeshConfig cfg) {
  cfg.attach_host = true;
  cfg.validate();
  if (cfg.memory.capacity_bytes / 2 <= SpatialStarHost::kHostMemBase)
    throw std::invalid_argument("mesh host: controller capacity " + std::to_string(cfg.memory.capacity_bytes) +
                                " bytes leaves no host memory below its scratch half");
  return cfg;
}

}  // namespace

SpatialStarHost::SpatialStarHost(const sc_core::sc_module_name& name, const MeshConfig& cfg)
    : sc_core::sc_module(name),
      mesh("mesh", with_host(cfg)),
      device("device", mesh, StarSocHost::reg_base_for(mesh.memory_bytes())),
      host_ni("host_ni", mesh.fabric, mesh.host_node()),
      cpu("cpu", StarSocHost::reg_base_for(mesh.memory_bytes()), kHostMemBase,
          cfg.memory.capacity_bytes / 2 - kHostMemBase),
      reg_base_(StarSocHost::reg_base_for(mesh.memory_bytes())),
      irq_("irq") {
  cpu.socket.bind(host_ni.target_socket);
  device.host_irq.bind(irq_);
  cpu.irq.bind(irq_);
}

bool SpatialStarHost::run(HostCpu::Program program, sc_core::sc_time limit) {
  cpu.set_program(std::move(program));
  const sc_core::sc_time step(1, sc_core::SC_MS);
  while (!cpu.finished() && sc_core::sc_time_stamp() < limit) sc_core::sc_start(step);
  return cpu.finished();
}

}  // namespace star
