/* The driver's only way to the hardware (NVDLA-style portability layer): register access, waiting
 * for the interrupt, and device-visible memory. The VP's host-CPU stub implements it with TLM
 * transactions; a board port would implement it with MMIO, an ISR and a DMA allocator. */
#ifndef STAR_HAL_H
#define STAR_HAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STAR_HAL_BAD_ADDR UINT64_MAX

typedef struct star_hal {
  void* ctx; /* passed back to every hook */
  /* 32-bit register access at a byte offset in the register block; 0 = ok, -1 = bus error. */
  int (*reg_read)(void* ctx, uint32_t offset, uint32_t* value);
  int (*reg_write)(void* ctx, uint32_t offset, uint32_t value);
  /* Blocks until the interrupt line is high or `timeout_ns` passed: 1 = interrupt, 0 = timeout. */
  int (*wait_irq)(void* ctx, uint64_t timeout_ns);
  /* Device memory: allocate `bytes` aligned to `align` (STAR_HAL_BAD_ADDR when full), free all,
   * and copies between host buffers and device addresses. */
  uint64_t (*mem_alloc)(void* ctx, uint64_t bytes, uint64_t align);
  void (*mem_free_all)(void* ctx);
  int (*mem_write)(void* ctx, uint64_t dev_addr, const void* src, uint64_t bytes);
  int (*mem_read)(void* ctx, uint64_t dev_addr, void* dst, uint64_t bytes);
  /* Current time in ns (for timeouts and reports); may be NULL. */
  uint64_t (*now_ns)(void* ctx);
} star_hal;

#ifdef __cplusplus
}
#endif

#endif /* STAR_HAL_H */
