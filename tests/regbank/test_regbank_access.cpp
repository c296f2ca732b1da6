// Register bank bus semantics: reset values, RO/RW/W1C/WO/pulse behaviour, every illegal access
// answered with the right TLM error (and no state change), debug transport, latency annotation.
#include <systemc>

#include <string>

#include "platform_test_support.h"
#include "regbank/register_bank.h"
#include "regbank_test_initiator.h"
#include "star_regs.h"
#include "stats/stats_registry.h"

using star::RegisterBank;
using star::test::RegInitiator;

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();
  const sc_core::sc_time latency(5, sc_core::SC_NS);
  RegisterBank bank("bank", latency);
  RegInitiator cpu("cpu");
  sc_core::sc_signal<bool> irq("irq");
  cpu.socket.bind(bank.socket);
  bank.irq.bind(irq);

  int write_hooks = 0;
  bank.on_write(STAR_REG_CTRL, [&](std::uint32_t, std::uint32_t, std::uint32_t) { ++write_hooks; });

  cpu.script = [&](RegInitiator& m) {
    // Reset values, read through the bus, for every register in the generated table.
    for (const auto& r : star::regs::kRegisters) {
      const std::uint32_t want = r.access == star::regs::Access::wo ? 0 : r.reset;
      std::uint32_t got = 0;
      CHECK(m.read(r.offset, got) == tlm::TLM_OK_RESPONSE);
      CHECK_MSG(got == want, std::string(r.name));
    }
    CHECK_EQ(m.read(STAR_REG_ID), 0x53544152u);  // the YAML's value reaches the bus
    CHECK_EQ(m.read(STAR_REG_STATUS) & STAR_STATUS_IN_RESET_MASK, STAR_STATUS_IN_RESET_MASK);

    // Latency annotation.
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    m.read(STAR_REG_ID);
    CHECK_TIME(m.last_delay, latency);
    CHECK_TIME(sc_core::sc_time_stamp() - t0, latency);

    // RO: error response, value unchanged.
    CHECK(m.write(STAR_REG_ID, 0x12345678) == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK_EQ(m.read(STAR_REG_ID), 0x53544152u);
    CHECK(m.write(STAR_REG_RING_HEAD, 7) == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK_EQ(m.read(STAR_REG_RING_HEAD), 0u);
    CHECK_EQ(bank.value(STAR_REG_RING_HEAD), 0u);

    // RW: full 32-bit register keeps what was written; a register with fields keeps only them.
    CHECK(m.write(STAR_REG_RING_BASE_LO, 0xCAFEF00D) == tlm::TLM_OK_RESPONSE);
    CHECK_EQ(m.read(STAR_REG_RING_BASE_LO), 0xCAFEF00Du);
    CHECK(m.write(STAR_REG_IRQ_MASK, 0xFFFFFFFF) == tlm::TLM_OK_RESPONSE);
    CHECK_EQ(m.read(STAR_REG_IRQ_MASK), 0x1Fu);  // five fields
    m.write(STAR_REG_IRQ_MASK, 0);

    // Pulse bits: the write callback sees them, they read back 0; ENABLE (level) stays.
    const unsigned pulses = STAR_CTRL_START_MASK | STAR_CTRL_ABORT_MASK;
    CHECK(m.write(STAR_REG_CTRL, STAR_CTRL_ENABLE_MASK | pulses) == tlm::TLM_OK_RESPONSE);
    CHECK_EQ(write_hooks, 1);
    CHECK_EQ(m.read(STAR_REG_CTRL), STAR_CTRL_ENABLE_MASK);

    // W1C: only bits written 1 clear.
    bank.raise_irq(STAR_IRQ_STATUS_JOB_DONE_MASK | STAR_IRQ_STATUS_JOB_ERROR_MASK |
                   STAR_IRQ_STATUS_RING_IDLE_MASK);
    CHECK_EQ(m.read(STAR_REG_IRQ_STATUS), 0x7u);
    CHECK(m.write(STAR_REG_IRQ_STATUS, STAR_IRQ_STATUS_JOB_ERROR_MASK) == tlm::TLM_OK_RESPONSE);
    CHECK_EQ(m.read(STAR_REG_IRQ_STATUS), 0x5u);
    m.write(STAR_REG_IRQ_STATUS, 0);  // writing 0 clears nothing
    CHECK_EQ(m.read(STAR_REG_IRQ_STATUS), 0x5u);
    m.write(STAR_REG_IRQ_STATUS, 0xFFFFFFFF);
    CHECK_EQ(m.read(STAR_REG_IRQ_STATUS), 0u);

    // Illegal accesses: error response, nothing changes, the simulation goes on.
    const std::uint64_t illegal_before = bank.illegal_accesses();
    std::uint32_t v = 0;
    CHECK(m.read(0x01C, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);      // hole in the map
    CHECK(m.write(0x0FC, 1) == tlm::TLM_ADDRESS_ERROR_RESPONSE);     // unmapped, inside the block
    CHECK(m.write(0x1000, 1) == tlm::TLM_ADDRESS_ERROR_RESPONSE);    // beyond the block
    CHECK(m.read(STAR_REG_RING_BASE_LO + 2, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // misaligned
    unsigned char buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(m.access(tlm::TLM_WRITE_COMMAND, STAR_REG_RING_BASE_LO, buf, 2) == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK(m.access(tlm::TLM_WRITE_COMMAND, STAR_REG_RING_BASE_LO, buf, 8) == tlm::TLM_GENERIC_ERROR_RESPONSE);
    unsigned char be[4] = {0xFF, 0xFF, 0, 0};
    CHECK(m.access(tlm::TLM_WRITE_COMMAND, STAR_REG_RING_BASE_LO, buf, 4, be, 4) ==
          tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    CHECK_EQ(m.read(STAR_REG_RING_BASE_LO), 0xCAFEF00Du);
    CHECK_EQ(m.read(STAR_REG_RING_BASE_HI), 0u);
    CHECK_EQ(bank.illegal_accesses() - illegal_before, 7u);
    CHECK(m.access(tlm::TLM_IGNORE_COMMAND, 0x0FC, buf, 4) == tlm::TLM_OK_RESPONSE);

    // Debug transport: several registers at once, raw values, no callbacks, RO pokeable.
    unsigned char dbg[8];
    CHECK_EQ(m.debug(tlm::TLM_READ_COMMAND, STAR_REG_ID, dbg, 8), 8u);
    std::uint32_t id = 0, version = 0;
    std::memcpy(&id, dbg, 4);
    std::memcpy(&version, dbg + 4, 4);
    CHECK_EQ(id, 0x53544152u);
    CHECK_EQ(version, STAR_REG_VERSION_RESET);
    const std::uint32_t head = 9;
    std::memcpy(dbg, &head, 4);
    CHECK_EQ(m.debug(tlm::TLM_WRITE_COMMAND, STAR_REG_RING_HEAD, dbg, 4), 4u);
    CHECK_EQ(bank.value(STAR_REG_RING_HEAD), 9u);
    CHECK_EQ(m.debug(tlm::TLM_READ_COMMAND, 0x018, dbg, 8), 4u);  // stops at the hole at 0x01C
    CHECK_EQ(m.debug(tlm::TLM_READ_COMMAND, 0x002, dbg, 4), 0u);
    CHECK_EQ(write_hooks, 1);

    // Hardware side and reset.
    bank.set_value(STAR_REG_STATUS, 0xFFFFFFFF);
    CHECK_EQ(m.read(STAR_REG_STATUS), 0x0000FF0Fu);  // only the defined fields
    bank.reset_registers();
    CHECK_EQ(m.read(STAR_REG_STATUS), STAR_REG_STATUS_RESET);
    CHECK_EQ(m.read(STAR_REG_RING_BASE_LO), 0u);
  };

  CHECK_THROWS(bank.on_write(0x01C, nullptr), std::invalid_argument);
  CHECK_THROWS(bank.value(0x002), std::invalid_argument);
  star::StatsRegistry stats;
  bank.register_stats(stats);
  star::test::run();
  CHECK(bank.reads() > 0);
  CHECK(std::get<std::uint64_t>(stats.sample("bank.illegal_accesses")) == 9u);  // 2 RO writes + 7 above
  CHECK(std::get<std::uint64_t>(stats.sample("bank.reads")) == bank.reads());
  return star::test::finish();
}
