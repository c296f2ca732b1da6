#include "mesh/tile_port.h"

#include "mesh/multicast_hub.h"

namespace star {

TilePort::TilePort(sc_core::sc_module_name name, const NocFabric& fabric,
                   std::function<HbmMemory*(std::uint32_t)> memory_at)
    : sc_core::sc_module(name),
      target_socket("target_socket"),
      initiator_socket("initiator_socket"),
      fabric_(fabric),
      memory_at_(std::move(memory_at)) {
  target_socket.register_b_transport(this, &TilePort::b_transport);
  target_socket.register_transport_dbg(this, &TilePort::transport_dbg);
}

void TilePort::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  timed_bytes_ += trans.get_data_length();
  if (hub_ && trans.is_read() && hub_->serves(core_, trans.get_address(), trans.get_data_length()))
    hub_->read(core_, trans, delay);
  else
    initiator_socket->b_transport(trans, delay);
}

unsigned TilePort::transport_dbg(tlm::tlm_generic_payload& trans) {
  std::uint32_t node = 0;
  std::uint64_t offset = 0;
  if (!fabric_.decode(trans.get_address(), node, offset)) return 0;
  HbmMemory* mem = memory_at_(node);
  const std::uint64_t len = trans.get_data_length();
  if (!mem || offset + len > mem->config().capacity_bytes) return 0;
  if (trans.is_write())
    mem->load(offset, trans.get_data_ptr(), len);
  else
    mem->dump(offset, trans.get_data_ptr(), len);
  return static_cast<unsigned>(len);
}

}  // namespace star
