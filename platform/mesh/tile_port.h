// The memory port of one mesh tile: sits between a core's data fetcher and the tile's network
// interface. Timed transactions (b_transport) go through the NoC to the memory controller owning
// the address; the fetcher's untimed debug accesses (functional data, whose timing is the transfer
// plan's and already travelled as timed transactions) are served through the fabric's address map
// straight from that controller's backing store, because the network interface carries no debug
// transport. With a multicast hub attached (query_split_multicast), the timed reads of the
// current job's K/V streams go to the hub instead, which combines them with the other group
// members' reads (multicast_hub.h); the hub's traffic crosses the NoC too.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>

#include "memory/hbm_memory.h"
#include "noc/noc_fabric.h"

namespace star {
class MulticastHub;
}

namespace star {

class TilePort : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TilePort> target_socket;        // from the fetcher
  tlm_utils::simple_initiator_socket<TilePort> initiator_socket;  // to the network interface

  // `memory_at(node)` is the controller attached at a mesh node (nullptr: none).
  TilePort(sc_core::sc_module_name name, const NocFabric& fabric,
           std::function<HbmMemory*(std::uint32_t)> memory_at);

  // Reads the hub serves for core `core` go to it (nullptr: none).
  void attach_multicast(MulticastHub* hub, std::uint32_t core) { hub_ = hub, core_ = core; }

  std::uint64_t timed_bytes() const { return timed_bytes_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);

  const NocFabric& fabric_;
  std::function<HbmMemory*(std::uint32_t)> memory_at_;
  std::uint64_t timed_bytes_ = 0;
  MulticastHub* hub_ = nullptr;
  std::uint32_t core_ = 0;
};

}  // namespace star
