// The STAR register bank as a loosely-timed TLM-2.0 target, driven by the table generated from
// sw/regmap/star_regs.yaml (star_regs_table.h), so its offsets, access types and reset values are
// the ones in the driver header and docs/registers.md. VCML-style: the controller attaches
// callbacks per register (on_write(RING_TAIL) = doorbell, on_read(STATUS) = live value) and
// updates read-only state through the hardware-side methods (set_value, raise_irq).
//
// Bus side (b_transport), addresses are local offsets 0 .. block size - 1:
//   - only aligned 32-bit accesses: data length or streaming width other than 4 ->
//     TLM_GENERIC_ERROR_RESPONSE; an offset that is not a multiple of 4 -> TLM_ADDRESS_ERROR_RESPONSE;
//   - byte enables -> TLM_BYTE_ENABLE_ERROR_RESPONSE; unmapped offset -> TLM_ADDRESS_ERROR_RESPONSE;
//   - write to an RO register -> TLM_GENERIC_ERROR_RESPONSE, value unchanged, no callback;
//   - RW keeps the written bits of its fields (others read 0); W1C clears the bits written 1;
//     WO reads 0; pulse fields (command bits) are cleared after the write callback ran;
//   - TLM_IGNORE_COMMAND -> OK with no effect. Every access adds `access_latency` to the delay.
// The bank never throws from b_transport: bad accesses are counted and answered with an error.
//
// The IRQ output is (IRQ_STATUS & IRQ_MASK) != 0, driven one delta cycle after either changes, at
// the current simulation time: an initiator running ahead with temporal decoupling should
// synchronise before register accesses whose interrupt timing matters.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "star_regs_table.h"
#include "stats/statistic.h"

namespace star {

class StatsRegistry;
class Tracer;

class RegisterBank : public sc_core::sc_module {
 public:
  // Returns the value a bus read sees, given the stored one (e.g. a live counter).
  using ReadHook = std::function<std::uint32_t(std::uint32_t stored)>;
  // Called after a bus write changed the stored value from `old_value` to `new_value` (pulse bits
  // still set in new_value; they are cleared when the hook returns). `written` is the bus data.
  using WriteHook =
      std::function<void(std::uint32_t old_value, std::uint32_t written, std::uint32_t new_value)>;

  tlm_utils::simple_target_socket<RegisterBank> socket;
  sc_core::sc_out<bool> irq;

  explicit RegisterBank(const sc_core::sc_module_name& name,
                        sc_core::sc_time access_latency = sc_core::sc_time(1, sc_core::SC_NS));

  // One callback per register and direction; a later call replaces the earlier one. Throws
  // std::invalid_argument for an unmapped offset.
  void on_read(std::uint32_t offset, ReadHook hook);
  void on_write(std::uint32_t offset, WriteHook hook);

  // Hardware side: no access checks, no callbacks; bits outside the fields are dropped.
  std::uint32_t value(std::uint32_t offset) const;
  void set_value(std::uint32_t offset, std::uint32_t value);
  void set_bits(std::uint32_t offset, std::uint32_t mask, std::uint32_t value);  // within mask
  void raise_irq(std::uint32_t irq_status_bits);  // IRQ_STATUS |= bits
  void reset_registers();                        // every register back to its reset value
  bool irq_pending() const;                      // what the IRQ line will show

  // The table entry for `offset`, or nullptr when unmapped.
  static const regs::RegisterInfo* find(std::uint32_t offset);
  const sc_core::sc_time& access_latency() const { return latency_; }

  std::uint64_t reads() const { return reads_.value(); }
  std::uint64_t writes() const { return writes_.value(); }
  std::uint64_t illegal_accesses() const { return illegal_.value(); }

  // Registers "<prefix>.reads", ".writes", ".illegal_accesses" (prefix defaults to name()).
  void register_stats(StatsRegistry& reg, std::string prefix = {}) const;
  // Records the IRQ line as "<module>.irq" (module defaults to name()).
  void trace(Tracer& tracer, std::string module = {});

 private:
  struct Slot {
    const regs::RegisterInfo* info = nullptr;
    std::uint32_t stored = 0;
    ReadHook read_hook;
    WriteHook write_hook;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans);
  void bus_write(Slot& slot, std::uint32_t data);
  Slot& slot(std::uint32_t offset);
  const Slot& slot(std::uint32_t offset) const;
  Slot* find_slot(std::uint64_t address);
  void irq_inputs_changed(std::uint32_t offset);
  void drive_irq();

  sc_core::sc_time latency_;
  std::vector<Slot> slots_;  // indexed by offset / 4; info == nullptr where unmapped
  sc_core::sc_event irq_update_;
  sc_core::sc_signal<bool> irq_level_;  // mirror of `irq` for the tracer
  Counter reads_, writes_, illegal_;
};

}  // namespace star
