// The IRQ line and the controller callbacks: the line follows (IRQ_STATUS & IRQ_MASK) one delta
// after a change, at the time of the access; a RING_TAIL write reaches the doorbell callback with
// the written index; a read callback supplies a live STATUS; a callback can answer an error
// (doorbell while in reset) by setting STATUS and raising the interrupt.
#include <systemc>

#include <vector>

#include "platform_test_support.h"
#include "regbank/register_bank.h"
#include "regbank_test_initiator.h"
#include "star_regs.h"

using star::RegisterBank;
using star::test::RegInitiator;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// Records every edge of the IRQ line with its time.
struct IrqProbe : sc_core::sc_module {
  sc_core::sc_in<bool> irq;
  std::vector<std::pair<sc_time, bool>> edges;
  SC_HAS_PROCESS(IrqProbe);
  explicit IrqProbe(const sc_core::sc_module_name& n) : sc_module(n), irq("irq") {
    SC_METHOD(sample);
    sensitive << irq;
    dont_initialize();
  }
  void sample() { edges.emplace_back(sc_core::sc_time_stamp(), irq.read()); }
};

}  // namespace

int sc_main(int, char*[]) {
  star::test::install_strict_reporting();
  RegisterBank bank("bank", sc_time(10, SC_NS));
  RegInitiator cpu("cpu");
  IrqProbe probe("probe");
  sc_core::sc_signal<bool> irq("irq");
  cpu.socket.bind(bank.socket);
  bank.irq.bind(irq);
  probe.irq.bind(irq);

  // A minimal controller: the doorbell records the tail, or refuses it while in reset.
  std::vector<std::uint32_t> doorbells;
  bank.on_write(STAR_REG_RING_TAIL, [&](std::uint32_t, std::uint32_t written, std::uint32_t) {
    if ((bank.value(STAR_REG_CTRL) & STAR_CTRL_ENABLE_MASK) == 0) {
      bank.set_bits(STAR_REG_STATUS, STAR_STATUS_ERROR_MASK | STAR_STATUS_ERROR_CODE_MASK,
                    STAR_STATUS_ERROR_MASK |
                        (STAR_ERROR_CODE_DOORBELL_IN_RESET << STAR_STATUS_ERROR_CODE_SHIFT));
      bank.raise_irq(STAR_IRQ_STATUS_CMD_ERROR_MASK);
      return;
    }
    doorbells.push_back(written);
  });
  int live_reads = 0;
  bank.on_read(STAR_REG_PERF_CYCLES_LO, [&](std::uint32_t) {
    ++live_reads;
    return static_cast<std::uint32_t>(sc_core::sc_time_stamp() / sc_time(1, SC_NS));
  });

  cpu.script = [&](RegInitiator& m) {
    CHECK(!irq.read());
    // Doorbell while in reset: refused, documented error code, CMD_ERROR pending but masked.
    m.write(STAR_REG_RING_TAIL, 3);  // t = 0 -> 10 ns
    CHECK(doorbells.empty());
    CHECK_EQ((m.read(STAR_REG_STATUS) & STAR_STATUS_ERROR_CODE_MASK) >> STAR_STATUS_ERROR_CODE_SHIFT,
             STAR_ERROR_CODE_DOORBELL_IN_RESET);
    CHECK_EQ(m.read(STAR_REG_IRQ_STATUS), STAR_IRQ_STATUS_CMD_ERROR_MASK);  // t = 30 ns
    CHECK(!irq.read());  // masked
    // Unmask: the line rises at the time of the write (30 ns), one delta later.
    m.write(STAR_REG_IRQ_MASK, STAR_IRQ_MASK_CMD_ERROR_MASK);  // t = 30 -> 40 ns
    CHECK(irq.read());
    // Clear with W1C: the line falls at 40 ns.
    m.write(STAR_REG_IRQ_STATUS, STAR_IRQ_STATUS_CMD_ERROR_MASK);  // t = 40 -> 50 ns
    CHECK(!irq.read());

    // Enabled: each TAIL write rings the doorbell with the written index.
    m.write(STAR_REG_CTRL, STAR_CTRL_ENABLE_MASK);
    m.write(STAR_REG_RING_TAIL, 1);
    m.write(STAR_REG_RING_TAIL, 2);
    CHECK(doorbells == std::vector<std::uint32_t>({1, 2}));

    // Hardware raises a masked-out cause: no edge; enabling its mask bit raises the line.
    bank.raise_irq(STAR_IRQ_STATUS_JOB_DONE_MASK);  // t = 80 ns
    wait(sc_time(5, SC_NS));
    CHECK(!irq.read());
    m.write(STAR_REG_IRQ_MASK, STAR_IRQ_MASK_JOB_DONE_MASK);  // t = 85 ns: line rises
    CHECK(irq.read());
    m.write(STAR_REG_IRQ_MASK, 0);  // t = 95 ns: falls although the status stays
    CHECK(!irq.read());
    CHECK_EQ(m.read(STAR_REG_IRQ_STATUS), STAR_IRQ_STATUS_JOB_DONE_MASK);

    // Live value through the read callback.
    const std::uint32_t cycles = m.read(STAR_REG_PERF_CYCLES_LO);  // issued at 115 ns
    CHECK_EQ(cycles, 115u);
    CHECK_EQ(live_reads, 1);
  };

  star::test::run();
  // Interrupt *times*, not only values.
  const std::vector<std::pair<sc_time, bool>> want = {
      {sc_time(30, SC_NS), true}, {sc_time(40, SC_NS), false},
      {sc_time(85, SC_NS), true}, {sc_time(95, SC_NS), false}};
  CHECK_EQ(probe.edges.size(), want.size());
  for (std::size_t i = 0; i < want.size() && i < probe.edges.size(); ++i) {
    CHECK_TIME(probe.edges[i].first, want[i].first);
    CHECK(probe.edges[i].second == want[i].second);
  }
  return star::test::finish();
}
