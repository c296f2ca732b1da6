#include "mesh/spatial_star.h"

#include <string>

namespace star {

SpatialStar::SpatialStar(const sc_core::sc_module_name& name, const MeshConfig& cfg)
    : sc_core::sc_module(name), MeshLayout(cfg), fabric("fabric", cfg.noc_config()) {
  memory_at_node_.assign(fabric.config().nodes(), nullptr);
  for (std::uint32_t m = 0; m < controllers(); ++m) {
    const std::uint32_t node = controller_node(m);
    const std::string tag = "mc" + std::to_string(m);
    memories_.push_back(std::make_unique<HbmMemory>(tag.c_str(), cfg.memory));
    memory_nis_.push_back(std::make_unique<NetworkInterface>((tag + "_ni").c_str(), fabric, node));
    memory_nis_.back()->initiator_socket.bind(memories_.back()->socket);
    fabric.map_address(controller_base(m), cfg.memory.capacity_bytes, node);
    memory_at_node_[node] = memories_.back().get();
  }
  hub_ = std::make_unique<MulticastHub>("multicast_hub", fabric, controller_nodes(), cfg.memory.capacity_bytes,
                                        cfg.core.max_burst_bytes, cfg.memory.mode == DataMode::functional);
  for (std::uint32_t m = 0; m < memories_.size(); ++m) hub_->memory_socket(m).bind(memories_[m]->socket);
  auto memory_at = [this](std::uint32_t node) {
    return node < memory_at_node_.size() ? memory_at_node_[node] : nullptr;
  };
  for (std::uint32_t i = 0; i < cfg.cores(); ++i) {
    const std::string tag = "core" + std::to_string(i);
    cores_.push_back(std::make_unique<StarCore>(tag.c_str(), cfg.core));
    ports_.push_back(std::make_unique<TilePort>((tag + "_port").c_str(), fabric, memory_at));
    core_nis_.push_back(std::make_unique<NetworkInterface>((tag + "_ni").c_str(), fabric, core_node(i)));
    cores_.back()->fetcher.socket.bind(ports_.back()->target_socket);
    ports_.back()->initiator_socket.bind(core_nis_.back()->target_socket);
    ports_.back()->attach_multicast(hub_.get(), i);
  }
}

SpatialStar::~SpatialStar() = default;

}  // namespace star
