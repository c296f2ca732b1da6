#include "regbank/register_bank.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "star_regs.h"
#include "stats/stats_registry.h"
#include "tracing/tracer.h"

namespace star {

RegisterBank::RegisterBank(const sc_core::sc_module_name& name, sc_core::sc_time access_latency)
    : sc_core::sc_module(name), socket("socket"), irq("irq"), latency_(access_latency),
      slots_(regs::kBlockBytes / 4), irq_level_("irq_level") {
  for (const auto& info : regs::kRegisters) {
    Slot& s = slots_[info.offset / 4];
    s.info = &info;
    s.stored = info.reset;
  }
  socket.register_b_transport(this, &RegisterBank::b_transport);
  socket.register_transport_dbg(this, &RegisterBank::transport_dbg);
  SC_HAS_PROCESS(RegisterBank);
  SC_METHOD(drive_irq);  // runs once at start, so the line shows the reset state
  sensitive << irq_update_;
}

const regs::RegisterInfo* RegisterBank::find(std::uint32_t offset) {
  for (const auto& info : regs::kRegisters)
    if (info.offset == offset) return &info;
  return nullptr;
}

RegisterBank::Slot* RegisterBank::find_slot(std::uint64_t address) {
  if (address % 4 != 0 || address >= slots_.size() * 4ull) return nullptr;
  Slot& s = slots_[address / 4];
  return s.info ? &s : nullptr;
}

RegisterBank::Slot& RegisterBank::slot(std::uint32_t offset) {
  Slot* s = find_slot(offset);
  if (!s) throw std::invalid_argument("RegisterBank: no register at offset " + std::to_string(offset));
  return *s;
}

const RegisterBank::Slot& RegisterBank::slot(std::uint32_t offset) const {
  return const_cast<RegisterBank*>(this)->slot(offset);
}

void RegisterBank::on_read(std::uint32_t offset, ReadHook hook) { slot(offset).read_hook = std::move(hook); }
void RegisterBank::on_write(std::uint32_t offset, WriteHook hook) { slot(offset).write_hook = std::move(hook); }

std::uint32_t RegisterBank::value(std::uint32_t offset) const { return slot(offset).stored; }

void RegisterBank::set_value(std::uint32_t offset, std::uint32_t value) {
  Slot& s = slot(offset);
  s.stored = value & s.info->defined_mask;
  irq_inputs_changed(offset);
}

void RegisterBank::set_bits(std::uint32_t offset, std::uint32_t mask, std::uint32_t value) {
  Slot& s = slot(offset);
  set_value(offset, (s.stored & ~mask) | (value & mask));
}

void RegisterBank::raise_irq(std::uint32_t bits) {
  Slot& s = slot(STAR_REG_IRQ_STATUS);
  set_value(STAR_REG_IRQ_STATUS, s.stored | bits);
}

void RegisterBank::reset_registers() {
  for (auto& s : slots_)
    if (s.info) s.stored = s.info->reset;
  irq_update_.notify(sc_core::SC_ZERO_TIME);
}

bool RegisterBank::irq_pending() const {
  return (value(STAR_REG_IRQ_STATUS) & value(STAR_REG_IRQ_MASK)) != 0;
}

void RegisterBank::irq_inputs_changed(std::uint32_t offset) {
  if (offset == STAR_REG_IRQ_STATUS || offset == STAR_REG_IRQ_MASK)
    irq_update_.notify(sc_core::SC_ZERO_TIME);
}

void RegisterBank::drive_irq() {
  irq.write(irq_pending());
  irq_level_.write(irq_pending());
}

void RegisterBank::register_stats(StatsRegistry& reg, std::string prefix) const {
  if (prefix.empty()) prefix = name();
  reg.add_counter(prefix + ".reads", reads_, "1", "register reads served");
  reg.add_counter(prefix + ".writes", writes_, "1", "register writes served");
  reg.add_counter(prefix + ".illegal_accesses", illegal_, "1",
                  "accesses answered with a TLM error (unmapped, RO write, bad size, byte enables)");
}

void RegisterBank::trace(Tracer& tracer, std::string module) {
  if (module.empty()) module = name();
  tracer.trace(module, "irq", irq_level_);
}

void RegisterBank::bus_write(Slot& s, std::uint32_t data) {
  const regs::RegisterInfo& info = *s.info;
  const std::uint32_t old_value = s.stored;
  std::uint32_t new_value = data & info.defined_mask;
  if (info.access == regs::Access::w1c) new_value = old_value & ~new_value;
  s.stored = new_value;
  irq_inputs_changed(info.offset);
  if (s.write_hook) s.write_hook(old_value, data, new_value);
  // The hook may have rewritten the register (e.g. SOFT_RESET); pulses never stay set.
  s.stored &= ~info.pulse_mask;
}

tlm::tlm_response_status RegisterBank::access(tlm::tlm_generic_payload& trans) {
  const tlm::tlm_command cmd = trans.get_command();
  if (cmd == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_OK_RESPONSE;
  if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (trans.get_data_length() != 4 || trans.get_streaming_width() != 4)
    return tlm::TLM_GENERIC_ERROR_RESPONSE;
  Slot* s = find_slot(trans.get_address());
  if (!s) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  unsigned char* data = trans.get_data_ptr();
  // Little-endian registers on a little-endian host (all Debian targets we build for).
  if (cmd == tlm::TLM_READ_COMMAND) {
    std::uint32_t v = 0;
    if (s->info->access != regs::Access::wo)
      v = (s->read_hook ? s->read_hook(s->stored) : s->stored) & s->info->defined_mask;
    std::memcpy(data, &v, 4);
    ++reads_;
    return tlm::TLM_OK_RESPONSE;
  }
  if (s->info->access == regs::Access::ro) return tlm::TLM_GENERIC_ERROR_RESPONSE;
  std::uint32_t v = 0;
  std::memcpy(&v, data, 4);
  ++writes_;
  bus_write(*s, v);
  return tlm::TLM_OK_RESPONSE;
}

void RegisterBank::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const tlm::tlm_response_status status = access(trans);
  if (status != tlm::TLM_OK_RESPONSE) ++illegal_;
  trans.set_response_status(status);
  trans.set_dmi_allowed(false);
  delay += latency_;
}

// Debug access: any aligned run of whole registers, raw stored values, no callbacks and no
// access rules (a debugger may poke RO state). Stops at the first unmapped word.
unsigned RegisterBank::transport_dbg(tlm::tlm_generic_payload& trans) {
  const tlm::tlm_command cmd = trans.get_command();
  const std::uint64_t address = trans.get_address();
  const unsigned length = trans.get_data_length();
  if (cmd == tlm::TLM_IGNORE_COMMAND || address % 4 != 0 || length % 4 != 0) return 0;
  unsigned done = 0;
  for (; done < length; done += 4) {
    Slot* s = find_slot(address + done);
    if (!s) break;
    unsigned char* data = trans.get_data_ptr() + done;
    if (cmd == tlm::TLM_READ_COMMAND) {
      std::memcpy(data, &s->stored, 4);
    } else {
      std::uint32_t v = 0;
      std::memcpy(&v, data, 4);
      s->stored = v & s->info->defined_mask;
      irq_inputs_changed(s->info->offset);
    }
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return done;
}

}  // namespace star
