// 2-D mesh (or torus) coordinates and router ports. Node id = y * width + x; x grows eastwards, y southwards.
#pragma once

#include <cstdint>
#include <cstdlib>

namespace star {

// Router ports: the local port (network interface) and the four mesh directions.
enum NocPort : uint8_t { kPortLocal = 0, kPortEast = 1, kPortWest = 2, kPortNorth = 3, kPortSouth = 4 };
constexpr uint32_t kNocPorts = 5;

// A table, not a switch: the compiler made the switch a chain of branches, mispredicted about
// once per packet in the packet model's hop loop (the ports of a path are random).
inline uint8_t opposite_port(uint8_t port) {
  static constexpr uint8_t kOpposite[kNocPorts] = {kPortLocal, kPortWest, kPortEast, kPortSouth, kPortNorth};
  return port < kNocPorts ? kOpposite[port] : uint8_t(kPortLocal);
}

const char* port_name(uint8_t port);

// The offset d = to - from along a dimension of `size` nodes, on a torus the shorter way round it
// (a tie, size even and half way, eastwards / southwards: positive).
inline int minimal_offset(int d, int size, bool torus) {
  if (!torus) return d;
  if (2 * d > size) return d - size;
  if (2 * d <= -size) return d + size;
  return d;
}

// A 2-D mesh, or with `torus` a 2-D torus: each row and column closes into a ring (the east port
// of the last column leads to the first column, and so on; a dimension of one node has no links).
struct MeshTopology {
  uint32_t width = 1;
  uint32_t height = 1;
  bool torus = false;

  uint32_t nodes() const { return width * height; }
  uint32_t x_of(uint32_t node) const { return node % width; }
  uint32_t y_of(uint32_t node) const { return node / width; }
  uint32_t node_at(uint32_t x, uint32_t y) const { return y * width + x; }
  uint32_t hops(uint32_t a, uint32_t b) const {
    return static_cast<uint32_t>(std::abs(minimal_offset(int(x_of(b)) - int(x_of(a)), int(width), torus)) +
                                 std::abs(minimal_offset(int(y_of(b)) - int(y_of(a)), int(height), torus)));
  }
  bool has_neighbour(uint32_t node, uint8_t port) const {
    switch (port) {
      case kPortEast: return torus ? width > 1 : x_of(node) + 1 < width;
      case kPortWest: return torus ? width > 1 : x_of(node) > 0;
      case kPortNorth: return torus ? height > 1 : y_of(node) > 0;
      case kPortSouth: return torus ? height > 1 : y_of(node) + 1 < height;
      default: return false;
    }
  }
  // Caller guarantees has_neighbour(node, port).
  uint32_t neighbour(uint32_t node, uint8_t port) const {
    if (torus) return torus_neighbour(node, port);
    switch (port) {
      case kPortEast: return node + 1;
      case kPortWest: return node - 1;
      case kPortNorth: return node - width;
      default: return node + width;
    }
  }
  uint32_t torus_neighbour(uint32_t node, uint8_t port) const {
    const uint32_t x = x_of(node), y = y_of(node);
    switch (port) {
      case kPortEast: return x + 1 < width ? node + 1 : node + 1 - width;
      case kPortWest: return x > 0 ? node - 1 : node + width - 1;
      case kPortNorth: return y > 0 ? node - width : node + (height - 1) * width;
      default: return y + 1 < height ? node + width : node - (height - 1) * width;
    }
  }
};

}  // namespace star
