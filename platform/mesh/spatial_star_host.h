// Spatial-STAR as a firmware developer sees it (the mesh counterpart of StarSocHost): the mesh
// with the host attached (MeshConfig::attach_host), the mesh command processor at its own network
// interface, and the host CPU stub running driver code behind the host's own network interface.
// Every host access - register reads and writes, descriptor and tensor copies - is addressed
// through the NoC's address map from the host's router; register accesses travel as request and
// response packets, bulk copies use debug transport (untimed, as on one core).
//
// Address map (global, as the cores see it): [0, M x C) the M memory controllers of capacity C;
// the registers at reg_base() (StarSocHost::reg_base_for of the memory size). The host allocates
// device memory from [kHostMemBase, C / 2) of controller 0; the upper half of every controller
// holds the cores' scratch slots (plan_layer's default scratch offset).
#pragma once

#include <systemc>

#include <cstdint>

#include "host/host_cpu.h"
#include "mesh/mesh_command_processor.h"
#include "mesh/spatial_star.h"
#include "noc/network_interface.h"

namespace star {

class SpatialStarHost : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kHostMemBase = 0x0010'0000ull;  // 1 MiB

  // `cfg` with attach_host set (the positions as given); throws std::invalid_argument for a bad
  // configuration, e.g. a memory controller on the host's position.
  SpatialStarHost(const sc_core::sc_module_name& name, const MeshConfig& cfg);

  std::uint64_t reg_base() const { return reg_base_; }
  // Runs `program` on the host CPU until it returns (or `limit` of simulated time passes); call
  // from sc_main, once. Returns true when the program finished.
  bool run(HostCpu::Program program, sc_core::sc_time limit = sc_core::sc_time(10, sc_core::SC_SEC));

  SpatialStar mesh;
  MeshCommandProcessor device;
  NetworkInterface host_ni;  // at mesh.host_node()
  HostCpu cpu;

 private:
  std::uint64_t reg_base_;
  sc_core::sc_signal<bool> irq_;
};

}  // namespace star
