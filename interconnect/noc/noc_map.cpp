#include "noc/noc_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <vector>

namespace star {

namespace {

double value_at(const std::vector<double>& v, size_t i) { return i < v.size() ? v[i] : 0.0; }

std::string coordinates(const MeshTopology& mesh, uint32_t node) {
  return "(" + std::to_string(mesh.x_of(node)) + "," + std::to_string(mesh.y_of(node)) + ")";
}

// A W x H grid of `value(node)` (x across, y down) with `decimals` decimals ("-" for NaN).
template <typename Value>
void print_grid(std::ostream& os, const MeshTopology& mesh, int decimals, Value&& value) {
  char cell[64];
  os << "      ";
  for (uint32_t x = 0; x < mesh.width; ++x) {
    std::snprintf(cell, sizeof cell, " %7s", ("x" + std::to_string(x)).c_str());
    os << cell;
  }
  os << '\n';
  for (uint32_t y = 0; y < mesh.height; ++y) {
    std::snprintf(cell, sizeof cell, "  %-4s", ("y" + std::to_string(y)).c_str());
    os << cell;
    for (uint32_t x = 0; x < mesh.width; ++x) {
      const double v = value(mesh.node_at(x, y));
      if (std::isnan(v)) std::snprintf(cell, sizeof cell, " %7s", "-");
      else std::snprintf(cell, sizeof cell, " %7.*f", decimals, v);
      os << cell;
    }
    os << '\n';
  }
}

}  // namespace

void print_noc_map(std::ostream& os, const MeshTopology& mesh, const TrafficResult& r, const std::string& title,
                   uint32_t top) {
  char cell[64];
  os << "# " << title << ": mean buffered flits per router (x across, y down)\n";
  print_grid(os, mesh, 2, [&](uint32_t n) { return value_at(r.router_occupancy_map, n); });
  struct Link {
    uint32_t node;
    uint8_t port;
    double util;
  };
  std::vector<Link> links;
  Link eject{0, kPortLocal, -1.0};
  for (uint32_t n = 0; n < mesh.nodes(); ++n) {
    const double e = value_at(r.link_utilisation_map, size_t(n) * kNocPorts + kPortLocal);
    if (e > eject.util) eject = Link{n, kPortLocal, e};
    for (uint8_t p = 1; p < kNocPorts; ++p)
      if (mesh.has_neighbour(n, p)) links.push_back(Link{n, p, value_at(r.link_utilisation_map, size_t(n) * kNocPorts + p)});
  }
  // Busiest first; equal loads in node and port order (stable).
  std::stable_sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.util > b.util; });
  os << "# busiest links (flits/cycle):";
  if (links.empty()) os << " none (one router)";
  for (size_t i = 0; i < links.size() && i < top; ++i) {
    const Link& l = links[i];
    std::snprintf(cell, sizeof cell, " %.3f", l.util);
    os << (i ? ", " : " ") << coordinates(mesh, l.node) << "->" << coordinates(mesh, mesh.neighbour(l.node, l.port))
       << ' ' << port_name(l.port) << cell;
  }
  std::snprintf(cell, sizeof cell, " %.3f", std::max(eject.util, 0.0));
  os << "; busiest ejection " << coordinates(mesh, eject.node) << cell << '\n';
  if (r.source_latency_map.empty()) return;
  os << "# " << title << ": mean packet latency per source (cycles; x across, y down; - sent no measured packet)\n";
  print_grid(os, mesh, 1, [&](uint32_t n) { return value_at(r.source_latency_map, n); });
}

void print_noc_map_csv(std::ostream& os, const MeshTopology& mesh, const TrafficResult& r, const std::string& label,
                       double rate, bool header) {
  if (header) os << "label,rate,kind,node,x,y,port,to_x,to_y,value\n";
  for (uint32_t n = 0; n < mesh.nodes(); ++n) {
    os << label << ',' << rate << ",router," << n << ',' << mesh.x_of(n) << ',' << mesh.y_of(n) << ",,,,"
       << value_at(r.router_occupancy_map, n) << '\n';
    for (uint8_t p = 0; p < kNocPorts; ++p) {
      if (p != kPortLocal && !mesh.has_neighbour(n, p)) continue;
      os << label << ',' << rate << ",link," << n << ',' << mesh.x_of(n) << ',' << mesh.y_of(n) << ','
         << port_name(p) << ',';
      if (p != kPortLocal) {
        const uint32_t to = mesh.neighbour(n, p);
        os << mesh.x_of(to) << ',' << mesh.y_of(to);
      } else {
        os << ',';
      }
      os << ',' << value_at(r.link_utilisation_map, size_t(n) * kNocPorts + p) << '\n';
    }
    if (n < r.source_latency_map.size()) {
      const double latency = r.source_latency_map[n];
      os << label << ',' << rate << ",source_latency," << n << ',' << mesh.x_of(n) << ',' << mesh.y_of(n) << ",,,,";
      if (!std::isnan(latency)) os << latency;
      os << '\n' << label << ',' << rate << ",source_packets," << n << ',' << mesh.x_of(n) << ',' << mesh.y_of(n)
         << ",,,," << (n < r.source_packets_map.size() ? r.source_packets_map[n] : 0) << '\n';
    }
  }
}

}  // namespace star
