#include "noc/network_interface.h"

namespace star {

NetworkInterface::NetworkInterface(sc_core::sc_module_name name, NocFabric& fabric, uint32_t node)
    : sc_module(name), target_socket("target_socket"), initiator_socket("initiator_socket"),
      fabric_(fabric), node_(node) {
  fabric_.attach(*this);
  target_socket.register_b_transport(this, &NetworkInterface::b_transport);
  target_socket.register_transport_dbg(this, &NetworkInterface::transport_dbg);
}

unsigned int NetworkInterface::transport_dbg(tlm::tlm_generic_payload& trans) {
  uint32_t dst = 0;
  uint64_t offset = 0;
  NetworkInterface* remote = nullptr;
  if (fabric_.decode(trans.get_address(), dst, offset)) remote = fabric_.interface_at(dst);
  if (!remote || remote->initiator_socket.size() == 0) return 0;
  const uint64_t address = trans.get_address();
  trans.set_address(offset);
  const unsigned int n = remote->initiator_socket->transport_dbg(trans);
  trans.set_address(address);
  return n;
}

uint32_t NetworkInterface::payload_flits(uint32_t bytes) const {
  const uint32_t fb = fabric_.config().flit_bytes();
  return (bytes + fb - 1) / fb;
}

uint32_t NetworkInterface::request_flits(const tlm::tlm_generic_payload& t) const {
  return 1 + (t.is_write() ? payload_flits(t.get_data_length()) : 0);
}

uint32_t NetworkInterface::response_flits(const tlm::tlm_generic_payload& t) const {
  return 1 + (t.is_read() ? payload_flits(t.get_data_length()) : 0);
}

void NetworkInterface::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  sc_core::wait(delay);  // synchronise: the network's contention is decided at the current time
  delay = sc_core::SC_ZERO_TIME;
  uint32_t dst = 0;
  uint64_t offset = 0;
  NetworkInterface* remote = nullptr;
  if (fabric_.decode(trans.get_address(), dst, offset)) remote = fabric_.interface_at(dst);
  if (!remote || remote->initiator_socket.size() == 0) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  ++transactions_;
  fabric_.transfer(node_, dst, request_flits(trans), 0);
  remote->serve(trans, offset);
  fabric_.transfer(dst, node_, response_flits(trans), 1);
}

// Executes the transaction on the local target, with the address relative to its region.
void NetworkInterface::serve(tlm::tlm_generic_payload& trans, uint64_t offset) {
  const uint64_t address = trans.get_address();
  trans.set_address(offset);
  sc_core::sc_time target_delay = sc_core::SC_ZERO_TIME;
  initiator_socket->b_transport(trans, target_delay);
  trans.set_address(address);
  sc_core::wait(target_delay);
}

}  // namespace star
