// The descriptor ring as the registers describe it (RING_BASE_LO/HI, RING_SIZE, RING_HEAD,
// RING_TAIL): the doorbell check that yields BAD_RING, entry addresses, the pending count, and the
// completion word the engine writes back into a finished descriptor. Pure C++, so the controller
// and the driver's host-side tests share one reading of the register map.
#pragma once

#include <cstdint>
#include <string>

#include "regbank/job_descriptor.h"

namespace star {

struct RingRegisters {
  std::uint64_t base = 0;  // RING_BASE_HI:RING_BASE_LO
  std::uint32_t size = 0;  // RING_SIZE, entries
  std::uint32_t head = 0;  // RING_HEAD
  std::uint32_t tail = 0;  // RING_TAIL
};

struct RingLimits {
  std::uint64_t memory_bytes = 0;
  std::uint32_t desc_align = STAR_REG_CAP_DESC_ALIGN_RESET;
  std::uint32_t max_entries = STAR_REG_CAP_MAX_RING_ENTRIES_RESET;
};

// BAD_RING (with a message naming the register) when RING_SIZE is 0 or above max_entries,
// head or tail >= size, the base is misaligned, or the ring does not fit in memory.
DescriptorCheck validate_ring(const RingRegisters& ring, const RingLimits& limits);

// Address of entry `index` (no checks: validate the ring first).
inline std::uint64_t ring_entry_address(const RingRegisters& ring, std::uint32_t index) {
  return ring.base + std::uint64_t(index) * STAR_JOB_DESC_SIZE;
}
// Descriptors between head and tail, wrapping modulo size (0 when size is 0).
std::uint32_t ring_pending(const RingRegisters& ring);
inline std::uint32_t ring_next(const RingRegisters& ring, std::uint32_t index) {
  return ring.size == 0 ? 0 : (index + 1) % ring.size;
}

// The descriptor's `completion` word: DONE, or ERROR with the error code.
std::uint32_t completion_word(std::uint32_t error_code);

}  // namespace star
