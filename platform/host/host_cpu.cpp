#include "host/host_cpu.h"

namespace star {

HostCpu::HostCpu(const sc_core::sc_module_name& name, std::uint64_t reg_base,
                 std::uint64_t mem_base, std::uint64_t mem_bytes)
    : sc_core::sc_module(name),
      socket("socket"),
      irq("irq"),
      reg_base_(reg_base),
      mem_base_(mem_base),
      mem_bytes_(mem_bytes),
      next_free_(mem_base) {
  hal_.ctx = this;
  hal_.reg_read = &HostCpu::reg_read;
  hal_.reg_write = &HostCpu::reg_write;
  hal_.wait_irq = &HostCpu::wait_irq;
  hal_.mem_alloc = &HostCpu::mem_alloc;
  hal_.mem_free_all = &HostCpu::mem_free_all;
  hal_.mem_write = &HostCpu::mem_write;
  hal_.mem_read = &HostCpu::mem_read;
  hal_.now_ns = &HostCpu::now_ns;
  if (tlm_utils::tlm_quantumkeeper::get_global_quantum() == sc_core::SC_ZERO_TIME)
    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(100, sc_core::SC_NS));
  qk_.reset();
  SC_HAS_PROCESS(HostCpu);
  SC_THREAD(run);
}

void HostCpu::run() {
  if (program_) program_(hal_);
  qk_.sync();
  finished_ = true;
}

int HostCpu::transport(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len, bool debug) {
  tlm::tlm_generic_payload trans;
  trans.set_command(cmd);
  trans.set_address(addr);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(len);
  trans.set_streaming_width(len);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (debug) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return socket->transport_dbg(trans) == len ? 0 : -1;
  }
  sc_core::sc_time delay = qk_.get_local_time();
  socket->b_transport(trans, delay);
  qk_.set(delay);
  // Register writes change device state other processes see: synchronise so the doorbell and
  // the interrupt times stay exact.
  if (cmd == tlm::TLM_WRITE_COMMAND || qk_.need_sync()) qk_.sync();
  if (!trans.is_response_ok()) {
    ++bus_errors_;
    return -1;
  }
  return 0;
}

int HostCpu::reg_read(void* ctx, std::uint32_t offset, std::uint32_t* value) {
  auto* self = static_cast<HostCpu*>(ctx);
  return self->transport(tlm::TLM_READ_COMMAND, self->reg_base_ + offset, value, 4, false);
}

int HostCpu::reg_write(void* ctx, std::uint32_t offset, std::uint32_t value) {
  auto* self = static_cast<HostCpu*>(ctx);
  return self->transport(tlm::TLM_WRITE_COMMAND, self->reg_base_ + offset, &value, 4, false);
}

int HostCpu::wait_irq(void* ctx, std::uint64_t timeout_ns) {
  auto* self = static_cast<HostCpu*>(ctx);
  self->qk_.sync();
  if (!self->irq.read()) {
    sc_core::wait(sc_core::sc_time(double(timeout_ns), sc_core::SC_NS), self->irq.posedge_event());
  }
  if (!self->irq.read()) return 0;
  self->last_irq_ = sc_core::sc_time_stamp();
  return 1;
}

std::uint64_t HostCpu::mem_alloc(void* ctx, std::uint64_t bytes, std::uint64_t align) {
  auto* self = static_cast<HostCpu*>(ctx);
  if (align == 0) align = 1;
  const std::uint64_t addr = (self->next_free_ + align - 1) / align * align;
  if (addr + bytes > self->mem_base_ + self->mem_bytes_ || addr + bytes < addr) return STAR_HAL_BAD_ADDR;
  self->next_free_ = addr + bytes;
  return addr;
}

void HostCpu::mem_free_all(void* ctx) {
  auto* self = static_cast<HostCpu*>(ctx);
  self->next_free_ = self->mem_base_;
}

int HostCpu::mem_write(void* ctx, std::uint64_t addr, const void* src, std::uint64_t bytes) {
  auto* self = static_cast<HostCpu*>(ctx);
  return self->transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(src), unsigned(bytes), true);
}

int HostCpu::mem_read(void* ctx, std::uint64_t addr, void* dst, std::uint64_t bytes) {
  auto* self = static_cast<HostCpu*>(ctx);
  return self->transport(tlm::TLM_READ_COMMAND, addr, dst, unsigned(bytes), true);
}

std::uint64_t HostCpu::now_ns(void* ctx) {
  auto* self = static_cast<HostCpu*>(ctx);
  return std::uint64_t((sc_core::sc_time_stamp() + self->qk_.get_local_time()).to_seconds() * 1e9);
}

}  // namespace star
