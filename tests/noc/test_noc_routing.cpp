#include <catch2/catch.hpp>

#include <vector>

#include "noc/routing.h"

using namespace star;

namespace {
// Follows the first candidate at each router; returns the ports taken.
std::vector<uint8_t> walk(NocRouting r, const MeshTopology& m, uint32_t src, uint32_t dst) {
  std::vector<uint8_t> ports;
  uint32_t node = src;
  for (int guard = 0; guard < 100; ++guard) {
    uint8_t c[2];
    route_candidates(r, m, node, dst, c);
    ports.push_back(c[0]);
    if (c[0] == kPortLocal) break;
    node = m.neighbour(node, c[0]);
  }
  return ports;
}
}  // namespace

TEST_CASE("xy routes x first, yx routes y first, both minimal", "[noc]") {
  const MeshTopology m{4, 4};
  // (0,0) -> (2,3): 2 east + 3 south.
  CHECK(walk(NocRouting::XY, m, 0, m.node_at(2, 3)) ==
        std::vector<uint8_t>{kPortEast, kPortEast, kPortSouth, kPortSouth, kPortSouth, kPortLocal});
  CHECK(walk(NocRouting::YX, m, 0, m.node_at(2, 3)) ==
        std::vector<uint8_t>{kPortSouth, kPortSouth, kPortSouth, kPortEast, kPortEast, kPortLocal});
  CHECK(walk(NocRouting::XY, m, 5, 5) == std::vector<uint8_t>{kPortLocal});
}

TEST_CASE("west-first goes west first and is adaptive otherwise, never turning into west", "[noc]") {
  const MeshTopology m{5, 5};
  uint8_t c[2];
  // Destination to the north-west: only west.
  CHECK(route_candidates(NocRouting::WestFirst, m, m.node_at(3, 3), m.node_at(1, 1), c) == 1);
  CHECK(c[0] == kPortWest);
  // Destination to the south-east: east or south.
  CHECK(route_candidates(NocRouting::WestFirst, m, m.node_at(1, 1), m.node_at(3, 3), c) == 2);
  CHECK(((c[0] == kPortEast && c[1] == kPortSouth)));
  // Every candidate of every pair is productive and no path ever turns into west after another
  // direction.
  for (uint32_t s = 0; s < m.nodes(); ++s)
    for (uint32_t d = 0; d < m.nodes(); ++d) {
      uint32_t node = s;
      bool left_west = false;
      for (int guard = 0; guard < 20 && node != d; ++guard) {
        const uint32_t n = route_candidates(NocRouting::WestFirst, m, node, d, c);
        const uint8_t p = c[n - 1];  // take the other candidate to explore adaptive paths
        REQUIRE(m.hops(m.neighbour(node, p), d) + 1 == m.hops(node, d));
        if (p != kPortWest) left_west = true;
        CHECK_FALSE((left_west && p == kPortWest));
        node = m.neighbour(node, p);
      }
      CHECK(node == d);
    }
}

TEST_CASE("adaptive selection prefers the output with more free slots", "[noc]") {
  const MeshTopology m{4, 4};
  auto east_busy = [](uint8_t p) { return p == kPortEast ? 0u : 8u; };
  auto south_busy = [](uint8_t p) { return p == kPortSouth ? 0u : 8u; };
  CHECK(select_route(NocRouting::WestFirst, m, 0, 15, east_busy) == kPortSouth);
  CHECK(select_route(NocRouting::WestFirst, m, 0, 15, south_busy) == kPortEast);
  CHECK(select_route(NocRouting::XY, m, 0, 15, east_busy) == kPortEast);
}
