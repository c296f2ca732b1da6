// A loosely-timed TLM-2.0 router joining N initiators (host CPU stub, the STAR core's data
// fetcher, ...) to M targets (register bank, memory) through an address map.
//
//   initiator.socket.bind(bus.target_socket);     // once per initiator: port ids 0, 1, ...
//   bus.initiator_socket.bind(memory.socket);      // once per target:    port ids 0, 1, ...
//   bus.map(0x8000'0000, 8_GiB, /*target port*/ 1, "hbm");
//
// b_transport decodes the address, rewrites it to the target's local offset (address - base),
// adds the bus latency to the annotated delay, forwards, and restores the original address.
// An unmapped address, or a transfer that crosses the end of its range, is answered with
// TLM_ADDRESS_ERROR_RESPONSE without reaching any target. Debug transport and DMI are forwarded
// with the same translation; DMI regions are translated back to bus addresses and clipped to the
// mapped range, and a target's invalidate_direct_mem_ptr reaches every initiator translated.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <string>

#include "bus/address_map.h"
#include "stats/statistic.h"

namespace star {

class StatsRegistry;

class AddressBus : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<AddressBus> target_socket;  // initiators bind here
  tlm_utils::multi_passthrough_initiator_socket<AddressBus> initiator_socket;  // bound to targets

  explicit AddressBus(const sc_core::sc_module_name& name,
                      sc_core::sc_time latency = sc_core::SC_ZERO_TIME);

  // Maps [base, base + size) to the target bound at port `target` (checked at end of
  // elaboration). Throws std::invalid_argument on overlap (naming both ranges) or size 0.
  const AddressRange& map(std::uint64_t base, std::uint64_t size, unsigned target,
                          std::string name = {});
  const AddressMap& address_map() const { return map_; }

  void set_latency(const sc_core::sc_time& t) { latency_ = t; }
  const sc_core::sc_time& latency() const { return latency_; }

  std::uint64_t transactions() const { return transactions_.value(); }
  std::uint64_t address_errors() const { return address_errors_.value(); }
  std::uint64_t bytes() const { return bytes_.value(); }
  // Registers "<prefix>.transactions", ".bytes", ".address_errors" (prefix defaults to name()).
  void register_stats(StatsRegistry& reg, std::string prefix = {}) const;

 protected:
  void end_of_elaboration() override;

 private:
  // Decodes [addr, addr + len); nullptr when unmapped or crossing the range's end.
  const AddressRange* decode(std::uint64_t addr, std::uint64_t len) const;
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(int port, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end);

  AddressMap map_;
  sc_core::sc_time latency_;
  Counter transactions_;
  Counter bytes_;
  Counter address_errors_;
};

}  // namespace star
