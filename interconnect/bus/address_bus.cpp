#include "bus/address_bus.h"

#include <algorithm>

#include "stats/stats_registry.h"

namespace star {

AddressBus::AddressBus(const sc_core::sc_module_name& name, sc_core::sc_time latency)
    : sc_core::sc_module(name),
      target_socket("target_socket"),
      initiator_socket("initiator_socket"),
      latency_(latency) {
  target_socket.register_b_transport(this, &AddressBus::b_transport);
  target_socket.register_transport_dbg(this, &AddressBus::transport_dbg);
  target_socket.register_get_direct_mem_ptr(this, &AddressBus::get_direct_mem_ptr);
  initiator_socket.register_invalidate_direct_mem_ptr(this, &AddressBus::invalidate_direct_mem_ptr);
}

const AddressRange& AddressBus::map(std::uint64_t base, std::uint64_t size, unsigned target,
                                    std::string name) {
  return map_.add(base, size, target, std::move(name));
}

void AddressBus::end_of_elaboration() {
  for (const AddressRange& r : map_.ranges())
    if (r.target >= initiator_socket.size())
      SC_REPORT_ERROR(name(),
                      ("address range " + r.to_string() + " names a target port, but only " +
                       std::to_string(initiator_socket.size()) + " targets are bound")
                          .c_str());
}

const AddressRange* AddressBus::decode(std::uint64_t addr, std::uint64_t len) const {
  const AddressRange* r = map_.find(addr);
  return r && r->contains(addr, len) ? r : nullptr;
}

void AddressBus::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  ++transactions_;
  const std::uint64_t addr = trans.get_address();
  const AddressRange* r = decode(addr, trans.get_data_length());
  if (!r) {
    ++address_errors_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  bytes_ += trans.get_data_length();
  delay += latency_;
  trans.set_address(addr - r->base);
  initiator_socket[r->target]->b_transport(trans, delay);
  trans.set_address(addr);
}

unsigned AddressBus::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const AddressRange* r = decode(addr, trans.get_data_length());
  if (!r) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  trans.set_address(addr - r->base);
  const unsigned n = initiator_socket[r->target]->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

bool AddressBus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = trans.get_address();
  const AddressRange* r = map_.find(addr);
  if (!r) {
    // Unmapped: deny, for this address only (the gap's extent is of no use to the initiator).
    dmi.set_start_address(addr);
    dmi.set_end_address(addr);
    return false;
  }
  trans.set_address(addr - r->base);
  const bool ok = initiator_socket[r->target]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(addr);
  // Target-local region -> bus addresses, clipped at the end of the mapped range (a target may be
  // bigger than the window the bus maps of it). The start is local offset >= 0, so it lies inside
  // the window and the DMI pointer (which points at the start) needs no adjustment.
  const std::uint64_t start = std::min<std::uint64_t>(dmi.get_start_address(), r->size - 1);
  const std::uint64_t end = std::min<std::uint64_t>(dmi.get_end_address(), r->size - 1);
  dmi.set_start_address(r->base + start);
  dmi.set_end_address(r->base + end);
  if (ok) {
    dmi.set_read_latency(dmi.get_read_latency() + latency_);
    dmi.set_write_latency(dmi.get_write_latency() + latency_);
  }
  return ok;
}

void AddressBus::invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const AddressRange& r : map_.ranges()) {
    if (static_cast<int>(r.target) != target || start > r.size - 1) continue;
    const std::uint64_t s = r.base + start;
    const std::uint64_t e = r.base + std::min<std::uint64_t>(end, r.size - 1);
    for (unsigned i = 0; i < target_socket.size(); ++i)
      target_socket[i]->invalidate_direct_mem_ptr(s, e);
  }
}

}  // namespace star

namespace star {

void AddressBus::register_stats(StatsRegistry& reg, std::string prefix) const {
  if (prefix.empty()) prefix = name();
  reg.add_counter(prefix + ".transactions", transactions_, "1", "b_transport calls received");
  reg.add_counter(prefix + ".bytes", bytes_, "bytes", "bytes forwarded to targets");
  reg.add_counter(prefix + ".address_errors", address_errors_, "1",
                  "transactions answered with an address error (unmapped or crossing a range end)");
}

}  // namespace star
