#include "noc/routing.h"

namespace star {

const char* port_name(uint8_t port) {
  static const char* names[kNocPorts] = {"local", "east", "west", "north", "south"};
  return port < kNocPorts ? names[port] : "?";
}

}  // namespace star
