// Descriptor ring arithmetic and the doorbell's BAD_RING checks.
#include <catch2/catch.hpp>

#include "regbank/descriptor_ring.h"

using namespace star;

namespace {
RingLimits limits() {
  RingLimits l;
  l.memory_bytes = 1 << 20;
  return l;
}
}  // namespace

TEST_CASE("ring entries, pending count and wrap", "[ring]") {
  RingRegisters r{0x1000, 8, 0, 0};
  CHECK(ring_entry_address(r, 3) == 0x1000 + 3 * STAR_JOB_DESC_SIZE);
  CHECK(ring_pending(r) == 0);
  r.tail = 5;
  CHECK(ring_pending(r) == 5);
  r.head = 6;
  r.tail = 2;  // wrapped: 6, 7, 0, 1
  CHECK(ring_pending(r) == 4);
  CHECK(ring_next(r, 7) == 0);
  CHECK(ring_pending(RingRegisters{}) == 0);
}

TEST_CASE("a good ring passes, and each bad ring register is named", "[ring]") {
  CHECK(validate_ring({0x1000, 8, 0, 7}, limits()).ok());
  // Ring ending exactly at the end of memory.
  CHECK(validate_ring({(1 << 20) - 4 * STAR_JOB_DESC_SIZE, 4, 0, 1}, limits()).ok());
  struct Case {
    RingRegisters ring;
    const char* names;
  };
  const Case cases[] = {
      {{0x1000, 0, 0, 0}, "RING_SIZE"},
      {{0x1000, STAR_REG_CAP_MAX_RING_ENTRIES_RESET + 1, 0, 0}, "RING_SIZE"},
      {{0x1000, 8, 0, 8}, "RING_TAIL"},
      {{0x1000, 8, 9, 0}, "RING_HEAD"},
      {{0x1020, 8, 0, 1}, "RING_BASE"},
      {{(1 << 20) - 64, 8, 0, 1}, "RING_BASE"},
      {{~0ull - 63, 8, 0, 1}, "RING_BASE"},
  };
  for (const Case& c : cases) {
    const DescriptorCheck r = validate_ring(c.ring, limits());
    INFO(r.message);
    CHECK(r.error == STAR_ERROR_CODE_BAD_RING);
    CHECK(r.message.find(c.names) != std::string::npos);
  }
}

TEST_CASE("completion word", "[ring]") {
  CHECK(completion_word(STAR_ERROR_CODE_NONE) == STAR_JOB_DESC_COMPLETION_DONE_MASK);
  const std::uint32_t w = completion_word(STAR_ERROR_CODE_BAD_KEEP_RATIO);
  CHECK((w & STAR_JOB_DESC_COMPLETION_DONE_MASK) == 0);
  CHECK((w & STAR_JOB_DESC_COMPLETION_ERROR_MASK) != 0);
  CHECK((w & STAR_JOB_DESC_COMPLETION_ERROR_CODE_MASK) >> STAR_JOB_DESC_COMPLETION_ERROR_CODE_SHIFT ==
        STAR_ERROR_CODE_BAD_KEEP_RATIO);
}
