// Spatial-STAR: a W x H mesh of STAR cores. The NoC is (W + 2) x H routers: column 0 (west edge)
// and column W + 1 (east edge) hold the memory controllers (one HbmMemory each) and, with
// attach_host, the host CPU's and the mesh command processor's network interfaces (two edge
// positions the default controllers leave free; mesh/spatial_star_host.h builds them); core
// (x, y) sits on router (x + 1, y) with its network interface. Each core's fetcher
// reaches DRAM only through its TilePort and network interface over the mesh.
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
#include "mesh/multicast_hub.h"
#include "mesh/tile_port.h"
#include "noc/network_interface.h"
#include "noc/noc_fabric.h"
#include "star_core/star_core.h"

namespace star {

enum class MeshEdge { west, east };

struct MemoryControllerPlacement {
  MeshEdge edge = MeshEdge::west;
  std::uint32_t row = 0;
};

struct MeshConfig {
  std::uint32_t width = 4, height = 4;  // cores (STAR-SPEC section 5 default 4 x 4)
  CoreConfig core;
  HbmConfig memory;  // of each controller (its channels and capacity)
  NocConfig noc;     // width/height are set from the mesh; 2 VC classes for requests/responses
  // Empty: one controller per row on the west edge and one per row on the east edge (minus the
  // host's and the command processor's positions when attach_host).
  std::vector<MemoryControllerPlacement> controllers;
  // The host CPU and the mesh command processor each own an edge router (docs/mesh.md "Host").
  bool attach_host = false;
  MemoryControllerPlacement host_position{MeshEdge::west, 0};
  MemoryControllerPlacement command_processor_position{MeshEdge::east, 0};
  // ring: each core's shard buffer (the piece it holds and the one it receives; mesh/ring.h).
  std::uint64_t ring_buffer_bytes = 512 * 1024;

  std::uint32_t cores() const { return width * height; }
  std::vector<MemoryControllerPlacement> placements() const;
  NocConfig noc_config() const;  // the NoC actually built ((width + 2) x height, 2 classes)
  // Throws std::invalid_argument naming the first bad parameter.
  void validate() const;
};

class SpatialStar : public sc_core::sc_module {
 public:
  SpatialStar(const sc_core::sc_module_name& name, const MeshConfig& cfg);
  ~SpatialStar() override;

  const MeshConfig& config() const { return cfg_; }
  std::uint32_t cores() const { return cfg_.cores(); }
  StarCore& core(std::uint32_t i) { return *cores_.at(i); }
  const StarCore& core(std::uint32_t i) const { return *cores_.at(i); }
  const TilePort& tile_port(std::uint32_t i) const { return *ports_.at(i); }
  std::uint32_t core_node(std::uint32_t i) const;  // router of core i (row-major over the tiles)
  std::uint32_t edge_node(const MemoryControllerPlacement& p) const;  // router of an edge position
  // Routers of the host CPU and of the mesh command processor (attach_host only, else throws).
  std::uint32_t host_node() const;
  std::uint32_t command_processor_node() const;

  std::uint32_t controllers() const { return static_cast<std::uint32_t>(memories_.size()); }
  HbmMemory& memory(std::uint32_t m) { return *memories_.at(m); }
  const HbmMemory& memory(std::uint32_t m) const { return *memories_.at(m); }
  std::uint32_t controller_node(std::uint32_t m) const { return controller_nodes_.at(m); }
  std::uint64_t controller_base(std::uint32_t m) const { return std::uint64_t(m) * cfg_.memory.capacity_bytes; }
  // The controller with the fewest hops to core i (lowest index on ties).
  std::uint32_t nearest_controller(std::uint32_t core) const;
  std::uint32_t hops(std::uint32_t node_a, std::uint32_t node_b) const;
  std::uint64_t memory_bytes() const { return controller_base(controllers()); }
  bool functional() const { return cfg_.memory.mode == DataMode::functional; }

  NocFabric fabric;
  // The request-combining multicast agent at the controllers (query_split_multicast).
  MulticastHub& multicast_hub() { return *hub_; }
  const MulticastHub& multicast_hub() const { return *hub_; }

 private:
  MeshConfig cfg_;
  std::vector<std::unique_ptr<StarCore>> cores_;
  std::vector<std::unique_ptr<TilePort>> ports_;
  std::vector<std::unique_ptr<NetworkInterface>> core_nis_;
  std::vector<std::unique_ptr<HbmMemory>> memories_;
  std::vector<std::unique_ptr<NetworkInterface>> memory_nis_;
  std::vector<std::uint32_t> controller_nodes_;
  std::vector<HbmMemory*> memory_at_node_;
  std::unique_ptr<MulticastHub> hub_;
};

}  // namespace star
