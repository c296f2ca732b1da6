// The mesh's configuration (MeshConfig) and the geometry it implies (MeshLayout): which router
// each core and each memory controller sits on, the controllers' address ranges, hops between
// routers. No module: planning a layer (mesh/orchestration.h) and checking a scenario need only
// this; SpatialStar (mesh/spatial_star.h) is a MeshLayout with the modules built on it.
//
// The NoC is (W + 2) x H routers: column 0 (west edge) and column W + 1 (east edge) hold the
// memory controllers and, with attach_host, the host CPU's and the mesh command processor's
// network interfaces; core (x, y) sits on router (x + 1, y). Address map: controller m owns the
// global addresses [m * C, (m + 1) * C), C its capacity.
#pragma once

#include <cstdint>
#include <vector>

#include "memory/memory_config.h"
#include "noc/noc_config.h"
#include "star_core/core_config.h"

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

class MeshLayout {
 public:
  // Throws std::invalid_argument naming the first bad parameter (MeshConfig::validate).
  explicit MeshLayout(const MeshConfig& cfg);

  const MeshConfig& config() const { return cfg_; }
  std::uint32_t cores() const { return cfg_.cores(); }
  std::uint32_t core_node(std::uint32_t i) const;  // router of core i (row-major over the tiles)
  std::uint32_t edge_node(const MemoryControllerPlacement& p) const;  // router of an edge position
  // Routers of the host CPU and of the mesh command processor (attach_host only, else throws).
  std::uint32_t host_node() const;
  std::uint32_t command_processor_node() const;

  std::uint32_t controllers() const { return static_cast<std::uint32_t>(controller_nodes_.size()); }
  std::uint32_t controller_node(std::uint32_t m) const { return controller_nodes_.at(m); }
  const std::vector<std::uint32_t>& controller_nodes() const { return controller_nodes_; }
  std::uint64_t controller_base(std::uint32_t m) const { return std::uint64_t(m) * cfg_.memory.capacity_bytes; }
  // The controller with the fewest hops to core i (lowest index on ties).
  std::uint32_t nearest_controller(std::uint32_t core) const;
  // Hops between two routers of the NoC (round the rings on a torus).
  std::uint32_t hops(std::uint32_t node_a, std::uint32_t node_b) const { return topology_.hops(node_a, node_b); }
  std::uint64_t memory_bytes() const { return controller_base(controllers()); }

 private:
  MeshConfig cfg_;
  MeshTopology topology_;                        // the NoC's routers
  std::vector<std::uint32_t> controller_nodes_;  // [m]: router of controller m
};

}  // namespace star
