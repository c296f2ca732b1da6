// 2-D mesh coordinates and router ports. Node id = y * width + x; x grows eastwards, y southwards.
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

struct MeshTopology {
  uint32_t width = 1;
  uint32_t height = 1;

  uint32_t nodes() const { return width * height; }
  uint32_t x_of(uint32_t node) const { return node % width; }
  uint32_t y_of(uint32_t node) const { return node / width; }
  uint32_t node_at(uint32_t x, uint32_t y) const { return y * width + x; }
  uint32_t hops(uint32_t a, uint32_t b) const {
    return static_cast<uint32_t>(std::abs(int(x_of(a)) - int(x_of(b))) +
                                 std::abs(int(y_of(a)) - int(y_of(b))));
  }
  bool has_neighbour(uint32_t node, uint8_t port) const {
    switch (port) {
      case kPortEast: return x_of(node) + 1 < width;
      case kPortWest: return x_of(node) > 0;
      case kPortNorth: return y_of(node) > 0;
      case kPortSouth: return y_of(node) + 1 < height;
      default: return false;
    }
  }
  // Caller guarantees has_neighbour(node, port).
  uint32_t neighbour(uint32_t node, uint8_t port) const {
    switch (port) {
      case kPortEast: return node + 1;
      case kPortWest: return node - 1;
      case kPortNorth: return node - width;
      default: return node + width;
    }
  }
};

}  // namespace star
