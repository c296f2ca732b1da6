// Spatial-STAR: a W x H mesh of STAR cores on its layout (mesh/mesh_layout.h: the routers of the
// cores, of the memory controllers at the west and east edges and, with attach_host, of the host
// CPU's and the mesh command processor's network interfaces, which mesh/spatial_star_host.h
// builds), one HbmMemory per controller. Each core's fetcher reaches DRAM only through its
// TilePort and network interface over the mesh.
//
// Address map: controller m owns the global addresses [m * C, (m + 1) * C), C its capacity (split
// by region, not interleaved: a tensor lives in one controller, chosen by the placement).
#pragma once

#include <systemc>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memory/hbm_memory.h"
#include "mesh/mesh_layout.h"
#include "mesh/multicast_hub.h"
#include "mesh/tile_port.h"
#include "noc/network_interface.h"
#include "noc/noc_fabric.h"
#include "star_core/star_core.h"

namespace star {

class SpatialStar : public sc_core::sc_module, public MeshLayout {
 public:
  SpatialStar(const sc_core::sc_module_name& name, const MeshConfig& cfg);
  ~SpatialStar() override;

  StarCore& core(std::uint32_t i) { return *cores_.at(i); }
  const StarCore& core(std::uint32_t i) const { return *cores_.at(i); }
  const TilePort& tile_port(std::uint32_t i) const { return *ports_.at(i); }

  HbmMemory& memory(std::uint32_t m) { return *memories_.at(m); }
  const HbmMemory& memory(std::uint32_t m) const { return *memories_.at(m); }
  bool functional() const { return config().memory.mode == DataMode::functional; }

  NocFabric fabric;
  // The request-combining multicast agent at the controllers (query_split_multicast).
  MulticastHub& multicast_hub() { return *hub_; }
  const MulticastHub& multicast_hub() const { return *hub_; }

 private:
  std::vector<std::unique_ptr<StarCore>> cores_;
  std::vector<std::unique_ptr<TilePort>> ports_;
  std::vector<std::unique_ptr<NetworkInterface>> core_nis_;
  std::vector<std::unique_ptr<HbmMemory>> memories_;
  std::vector<std::unique_ptr<NetworkInterface>> memory_nis_;
  std::vector<HbmMemory*> memory_at_node_;
  std::unique_ptr<MulticastHub> hub_;
};

}  // namespace star
