// The host CPU stub: a second bus initiator that runs driver code ("program") in an SC_THREAD.
// Its star_hal turns register accesses into timed b_transport calls on the bus (temporal
// decoupling with a quantum keeper; it synchronises before waiting for the interrupt so interrupt
// times are exact), waits on the IRQ line with a timeout, and gives the driver a bump allocator
// over a device-memory window plus copies by debug transport (bulk loads cost no simulated time,
// as a DMI copy would not).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <functional>

#include "star_hal.h"

namespace star {

class HostCpu : public sc_core::sc_module {
 public:
  using Program = std::function<void(const star_hal& hal)>;

  tlm_utils::simple_initiator_socket<HostCpu> socket;
  sc_core::sc_in<bool> irq;

  // Registers live at `reg_base` on the bus; allocations come from [mem_base, mem_base + mem_bytes).
  HostCpu(const sc_core::sc_module_name& name, std::uint64_t reg_base, std::uint64_t mem_base,
          std::uint64_t mem_bytes);

  void set_program(Program program) { program_ = std::move(program); }
  const star_hal& hal() const { return hal_; }
  bool finished() const { return finished_; }
  std::uint64_t bus_errors() const { return bus_errors_; }
  // Time the last wait_irq returned with the line high.
  const sc_core::sc_time& last_irq_seen() const { return last_irq_; }

 private:
  void run();
  int transport(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len, bool debug);
  static int reg_read(void* ctx, std::uint32_t offset, std::uint32_t* value);
  static int reg_write(void* ctx, std::uint32_t offset, std::uint32_t value);
  static int wait_irq(void* ctx, std::uint64_t timeout_ns);
  static std::uint64_t mem_alloc(void* ctx, std::uint64_t bytes, std::uint64_t align);
  static void mem_free_all(void* ctx);
  static int mem_write(void* ctx, std::uint64_t addr, const void* src, std::uint64_t bytes);
  static int mem_read(void* ctx, std::uint64_t addr, void* dst, std::uint64_t bytes);
  static std::uint64_t now_ns(void* ctx);

  std::uint64_t reg_base_, mem_base_, mem_bytes_, next_free_;
  tlm_utils::tlm_quantumkeeper qk_;
  Program program_;
  star_hal hal_{};
  bool finished_ = false;
  std::uint64_t bus_errors_ = 0;
  sc_core::sc_time last_irq_;
};

}  // namespace star
