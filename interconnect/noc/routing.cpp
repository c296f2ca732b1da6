#include "noc/routing.h"

namespace star {

const char* port_name(uint8_t port) {
  static const char* names[kNocPorts] = {"local", "east", "west", "north", "south"};
  return port < kNocPorts ? names[port] : "?";
}

uint32_t route_candidates(NocRouting routing, const MeshTopology& mesh, uint32_t node, uint32_t dst,
                          uint8_t out[2]) {
  const int dx = int(mesh.x_of(dst)) - int(mesh.x_of(node));
  const int dy = int(mesh.y_of(dst)) - int(mesh.y_of(node));
  const uint8_t xdir = dx > 0 ? kPortEast : kPortWest;
  const uint8_t ydir = dy > 0 ? kPortSouth : kPortNorth;
  if (dx == 0 && dy == 0) {
    out[0] = kPortLocal;
    return 1;
  }
  switch (routing) {
    case NocRouting::XY:
      out[0] = dx != 0 ? xdir : ydir;
      return 1;
    case NocRouting::YX:
      out[0] = dy != 0 ? ydir : xdir;
      return 1;
    case NocRouting::WestFirst:
      if (dx < 0) {
        out[0] = kPortWest;
        return 1;
      }
      if (dx > 0 && dy != 0) {
        out[0] = xdir;
        out[1] = ydir;
        return 2;
      }
      out[0] = dx != 0 ? xdir : ydir;
      return 1;
  }
  out[0] = kPortLocal;
  return 1;
}

}  // namespace star
