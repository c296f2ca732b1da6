// Minimal routing functions on a 2-D mesh, selected by name (noc_config.h).
// xy and yx are dimension-order (deterministic, deadlock-free). west_first is the Glass-Ni turn
// model: all westward hops first, then an adaptive choice among the productive east/north/south
// directions (it forbids the two turns into west, so it is deadlock-free without extra VCs).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "noc/mesh_topology.h"
#include "noc/noc_config.h"

namespace star {

// Productive output ports the routing function permits for a packet whose destination lies
// (dx, dy) away (1 or 2 of them; kPortLocal when both are 0). Returns how many were written to
// `out`. The engines call this form with precomputed coordinates (no divisions per hop).
inline uint32_t route_candidates_by_offset(NocRouting routing, int dx, int dy, uint8_t out[2]) {
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

// The same at `node` for a packet to `dst`.
inline uint32_t route_candidates(NocRouting routing, const MeshTopology& mesh, uint32_t node, uint32_t dst,
                                 uint8_t out[2]) {
  return route_candidates_by_offset(routing, int(mesh.x_of(dst)) - int(mesh.x_of(node)),
                                    int(mesh.y_of(dst)) - int(mesh.y_of(node)), out);
}

// Picks one candidate: the first for deterministic routing; for adaptive routing the one whose
// `free_slots(port)` (credits downstream) is larger, ties to the first.
template <typename FreeSlots>
uint8_t select_route_by_offset(NocRouting routing, int dx, int dy, FreeSlots free_slots) {
  uint8_t cand[2];
  const uint32_t n = route_candidates_by_offset(routing, dx, dy, cand);
  if (n == 2 && free_slots(cand[1]) > free_slots(cand[0])) return cand[1];
  return cand[0];
}
template <typename FreeSlots>
uint8_t select_route(NocRouting routing, const MeshTopology& mesh, uint32_t node, uint32_t dst,
                     FreeSlots free_slots) {
  return select_route_by_offset(routing, int(mesh.x_of(dst)) - int(mesh.x_of(node)),
                                int(mesh.y_of(dst)) - int(mesh.y_of(node)), free_slots);
}

// x and y of every node, computed once: the engines' per-hop paths avoid the divisions of
// MeshTopology::x_of / y_of. On a torus the offsets are the minimal ones (minimal_offset),
// so the routing functions above take the shorter way round each ring.
struct MeshCoordinates {
  std::vector<int32_t> x, y;
  int32_t width = 1, height = 1;
  bool torus = false;
  explicit MeshCoordinates(const MeshTopology& mesh)
      : x(mesh.nodes()), y(mesh.nodes()), width(int32_t(mesh.width)), height(int32_t(mesh.height)), torus(mesh.torus) {
    for (uint32_t n = 0; n < mesh.nodes(); ++n) {
      x[n] = int32_t(mesh.x_of(n));
      y[n] = int32_t(mesh.y_of(n));
    }
  }
  MeshCoordinates() = default;
  int dx(uint32_t from, uint32_t to) const { return minimal_offset(x[to] - x[from], width, torus); }
  int dy(uint32_t from, uint32_t to) const { return minimal_offset(y[to] - y[from], height, torus); }
  uint32_t hops(uint32_t a, uint32_t b) const { return uint32_t(std::abs(dx(a, b)) + std::abs(dy(a, b))); }
};

}  // namespace star
