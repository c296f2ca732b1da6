// A bitmap over a ring of per-cycle slots (cycle % ring): bit s set when slot s holds something.
// CycleQueue and CycleSetQueue keep one to jump over idle cycles.
#pragma once

#include <algorithm>
#include <cstdint>

namespace star {

// The first cycle in [base, base + ring) before `limit` whose slot's bit is set in `bits`
// (ring / 64 words, ring a multiple of 64); `limit` if there is none.
inline uint64_t first_marked_cycle(const uint64_t* bits, uint64_t ring, uint64_t base, uint64_t limit) {
  const uint64_t end = base + ring;
  for (uint64_t c = base; c < end && c < limit;) {
    const uint64_t s = c % ring;
    const uint64_t word = bits[s >> 6] & (~uint64_t(0) << (s & 63));
    if (word) return std::min(limit, c + uint64_t(__builtin_ctzll(word)) - (s & 63));
    c += 64 - (s & 63);
  }
  return limit;
}

}  // namespace star
