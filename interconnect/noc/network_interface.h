// Network interface: carries TLM-2.0 transactions across the mesh. A local initiator calls
// b_transport on `target_socket`; the transaction travels as a request packet (header flit plus
// write data split by the link width) to the node owning the address, is executed there on that
// node's `initiator_socket` (towards its local target, with the address made region-relative),
// and returns as a response packet (header plus read data). Requests and responses travel in
// separate classes (0 and 1). The calling thread blocks for the whole end-to-end delay
// (loosely-timed, synchronising: the incoming annotated delay is waited first). Debug transport
// (transport_dbg) is routed by the same address map to the owning node's target, untimed and
// without packets, as a debugger's or a DMI bulk copy's access would be.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>

#include "noc/noc_fabric.h"

namespace star {

class NetworkInterface : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket_optional<NetworkInterface> target_socket;
  tlm_utils::simple_initiator_socket_optional<NetworkInterface> initiator_socket;

  NetworkInterface(sc_core::sc_module_name name, NocFabric& fabric, uint32_t node);

  uint32_t node() const { return node_; }
  // Flits of the request / response packet for a transaction (header flit + payload flits).
  uint32_t request_flits(const tlm::tlm_generic_payload& trans) const;
  uint32_t response_flits(const tlm::tlm_generic_payload& trans) const;

  uint64_t transactions() const { return transactions_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  void serve(tlm::tlm_generic_payload& trans, uint64_t offset);
  uint32_t payload_flits(uint32_t bytes) const;

  NocFabric& fabric_;
  uint32_t node_;
  uint64_t transactions_ = 0;
};

}  // namespace star
