#include "mesh/mesh_layout.h"

#include <stdexcept>
#include <string>

namespace star {

std::vector<MemoryControllerPlacement> MeshConfig::placements() const {
  if (!controllers.empty()) return controllers;
  auto free = [this](MeshEdge e, std::uint32_t y) {
    auto at = [&](const MemoryControllerPlacement& q) { return q.edge == e && q.row == y; };
    return !attach_host || (!at(host_position) && !at(command_processor_position));
  };
  std::vector<MemoryControllerPlacement> p;
  for (MeshEdge e : {MeshEdge::west, MeshEdge::east})
    for (std::uint32_t y = 0; y < height; ++y)
      if (free(e, y)) p.push_back({e, y});
  return p;
}

namespace {

std::string describe(const MemoryControllerPlacement& p) {
  return std::string(p.edge == MeshEdge::west ? "west" : "east") + " edge, row " + std::to_string(p.row);
}

bool same(const MemoryControllerPlacement& a, const MemoryControllerPlacement& b) {
  return a.edge == b.edge && a.row == b.row;
}

}  // namespace

NocConfig MeshConfig::noc_config() const {
  NocConfig n = noc;
  n.width = width + 2;
  n.height = height;
  if (n.num_vc_classes < 2) n.num_vc_classes = 2;
  return n;
}

void MeshConfig::validate() const {
  if (width == 0 || height == 0 || width > 16 || height > 16)
    throw std::invalid_argument("mesh: width and height must be 1..16 (got " + std::to_string(width) +
                                " x " + std::to_string(height) + ")");
  const auto p = placements();
  if (p.empty()) throw std::invalid_argument("mesh: no memory controller");
  if (ring_buffer_bytes == 0) throw std::invalid_argument("mesh: ring_buffer_bytes must be positive");
  if (attach_host) {
    for (const auto* pos : {&host_position, &command_processor_position})
      if (pos->row >= height)
        throw std::invalid_argument("mesh: " + std::string(pos == &host_position ? "host" : "command processor") +
                                    " position row " + std::to_string(pos->row) + " outside the mesh (height " +
                                    std::to_string(height) + ")");
    if (same(host_position, command_processor_position))
      throw std::invalid_argument("mesh: the host and the command processor share the position (" +
                                  describe(host_position) + ")");
    for (std::size_t m = 0; m < p.size(); ++m)
      for (const auto* pos : {&host_position, &command_processor_position})
        if (same(p[m], *pos))
          throw std::invalid_argument("mesh: memory controller " + std::to_string(m) + " is placed on the " +
                                      (pos == &host_position ? "host's" : "command processor's") + " position (" +
                                      describe(*pos) + ")");
  }
  std::vector<char> used(2 * height, 0);
  for (const auto& c : p) {
    if (c.row >= height)
      throw std::invalid_argument("mesh: memory controller row " + std::to_string(c.row) +
                                  " outside the mesh (height " + std::to_string(height) + ")");
    char& u = used[(c.edge == MeshEdge::east ? height : 0) + c.row];
    if (u) throw std::invalid_argument("mesh: two memory controllers at the same edge position");
    u = 1;
  }
  memory.validate();
  noc_config().validate();
}

MeshLayout::MeshLayout(const MeshConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  topology_ = cfg_.noc_config().mesh();
  for (const MemoryControllerPlacement& p : cfg_.placements()) controller_nodes_.push_back(edge_node(p));
}

std::uint32_t MeshLayout::core_node(std::uint32_t i) const {
  if (i >= cfg_.cores()) throw std::invalid_argument("mesh: core " + std::to_string(i) + " does not exist");
  return (i / cfg_.width) * (cfg_.width + 2) + (i % cfg_.width) + 1;
}

std::uint32_t MeshLayout::edge_node(const MemoryControllerPlacement& p) const {
  const std::uint32_t noc_w = cfg_.width + 2;
  return p.row * noc_w + (p.edge == MeshEdge::west ? 0 : noc_w - 1);
}

std::uint32_t MeshLayout::host_node() const {
  if (!cfg_.attach_host) throw std::logic_error("mesh: no host attached (MeshConfig::attach_host)");
  return edge_node(cfg_.host_position);
}

std::uint32_t MeshLayout::command_processor_node() const {
  if (!cfg_.attach_host) throw std::logic_error("mesh: no host attached (MeshConfig::attach_host)");
  return edge_node(cfg_.command_processor_position);
}

std::uint32_t MeshLayout::nearest_controller(std::uint32_t core) const {
  std::uint32_t best = 0;
  for (std::uint32_t m = 1; m < controllers(); ++m)
    if (hops(core_node(core), controller_nodes_[m]) < hops(core_node(core), controller_nodes_[best]))
      best = m;
  return best;
}

}  // namespace star
