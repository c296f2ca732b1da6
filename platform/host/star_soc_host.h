// The single-core SoC as a firmware developer sees it: StarSoc (memory, bus, core) plus the
// register bank on the bus at kRegBase, the command processor that serves it, and the host CPU
// stub (bus initiator 1) running driver code. Composition only: platform/soc is unchanged.
//
// Bus map: [0, memory capacity) HBM; [reg_base(), + 0x100) registers: 0xF000_0000 when the memory
// ends below it, else the first 64 KiB boundary after the memory. The host allocates device
// memory from [kHostMemBase, capacity).
#pragma once

#include <systemc>

#include "host/command_processor.h"
#include "host/host_cpu.h"
#include "regbank/register_bank.h"
#include "soc/star_soc.h"

namespace star {

class StarSocHost : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kDefaultRegBase = 0xF000'0000ull;
  static std::uint64_t reg_base_for(std::uint64_t memory_bytes) {
    return memory_bytes <= kDefaultRegBase ? kDefaultRegBase : (memory_bytes + 0xFFFF) / 0x10000 * 0x10000;
  }
  std::uint64_t reg_base() const { return reg_base_; }
  static constexpr std::uint64_t kHostMemBase = 0x0010'0000ull;  // 1 MiB

  StarSocHost(const sc_core::sc_module_name& name, const SocConfig& cfg);

  // Runs `program` on the host CPU until it returns (or `limit` of simulated time passes);
  // call from sc_main, once. Returns true when the program finished.
  bool run(HostCpu::Program program, sc_core::sc_time limit = sc_core::sc_time(10, sc_core::SC_SEC));

  StarSoc soc;
  RegisterBank regs;
  CommandProcessor cp;
  HostCpu cpu;

 private:
  std::uint64_t reg_base_;
  sc_core::sc_signal<bool> irq_;
};

}  // namespace star
