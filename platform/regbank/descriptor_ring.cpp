#include "regbank/descriptor_ring.h"

#include <sstream>

namespace star {

DescriptorCheck validate_ring(const RingRegisters& ring, const RingLimits& limits) {
  DescriptorCheck c;
  auto fail = [&](const std::string& why) {
    c.error = STAR_ERROR_CODE_BAD_RING;
    c.message = why + " (BAD_RING)";
    return c;
  };
  if (ring.size == 0 || ring.size > limits.max_entries)
    return fail("RING_SIZE " + std::to_string(ring.size) + " is outside 1.." +
                std::to_string(limits.max_entries));
  if (ring.tail >= ring.size)
    return fail("RING_TAIL " + std::to_string(ring.tail) + " is not below RING_SIZE " +
                std::to_string(ring.size));
  if (ring.head >= ring.size)
    return fail("RING_HEAD " + std::to_string(ring.head) + " is not below RING_SIZE " +
                std::to_string(ring.size));
  std::ostringstream base;
  base << "RING_BASE 0x" << std::hex << ring.base;
  if (ring.base % limits.desc_align != 0)
    return fail(base.str() + " is not a multiple of " + std::to_string(limits.desc_align));
  const std::uint64_t bytes = std::uint64_t(ring.size) * STAR_JOB_DESC_SIZE;
  if (ring.base >= limits.memory_bytes || bytes > limits.memory_bytes - ring.base)
    return fail(base.str() + " + " + std::to_string(bytes) + " bytes ends beyond the memory");
  return c;
}

std::uint32_t ring_pending(const RingRegisters& ring) {
  if (ring.size == 0) return 0;
  return (ring.tail + ring.size - ring.head % ring.size) % ring.size;
}

std::uint32_t completion_word(std::uint32_t error_code) {
  if (error_code == STAR_ERROR_CODE_NONE) return STAR_JOB_DESC_COMPLETION_DONE_MASK;
  return STAR_JOB_DESC_COMPLETION_ERROR_MASK |
         ((error_code << STAR_JOB_DESC_COMPLETION_ERROR_CODE_SHIFT) &
          STAR_JOB_DESC_COMPLETION_ERROR_CODE_MASK);
}

}  // namespace star
