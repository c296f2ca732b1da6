// Sets of ids (0 .. ids-1) due at given cycles, taken in cycle order, each id once per cycle
// however often it was pushed for that cycle (ids in increasing order within a cycle): a ring of
// per-cycle bit sets for the near future (beyond kScanWords words each with a bitmap of its
// non-empty words, so that a cycle costs its ids, not the set's size), a bitmap of the non-empty cycles to jump over idle ones,
// and a heap for pushes beyond the ring. For work whose result does not depend on the order
// of ids within a cycle nor on how often one is asked for (WormholeEventModel's allocations).
// Cycles pushed must not be before the cycle being run (or, between runs, before the last run's
// limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <vector>

#include "noc/ring_bitmap.h"

namespace star {

class CycleSetQueue {
 public:
  static constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();
  static constexpr uint64_t kCycles = 256;  // the ring
  static constexpr uint32_t kScanWords = 8;  // sets of up to this many words are scanned whole

  explicit CycleSetQueue(uint32_t ids = 0) { resize(ids); }
  void resize(uint32_t ids) {
    words_ = (ids + 63) / 64;
    summary_words_ = words_ > kScanWords ? (words_ + 63) / 64 : 0;
    sets_.assign(kCycles * words_, 0);
    summaries_.assign(kCycles * summary_words_, 0);
  }

  void push(uint64_t cycle, uint32_t id) {
    if (cycle >= base_ + kCycles) {
      far_.push(Far{cycle, id});
      return;
    }
    rerun_ |= cycle == base_;
    const uint64_t slot = cycle % kCycles;
    const uint32_t w = id >> 6;
    sets_[slot * words_ + w] |= uint64_t(1) << (id & 63);
    if (summary_words_) summaries_[slot * summary_words_ + (w >> 6)] |= uint64_t(1) << (w & 63);
    busy_[slot >> 6] |= uint64_t(1) << (slot & 63);
  }
  bool empty() const { return far_.empty() && !(busy_[0] | busy_[1] | busy_[2] | busy_[3]); }

  // The earliest cycle holding an id; kNone if empty.
  uint64_t next_cycle() const {
    return first_marked_cycle(busy_, kCycles, base_, far_.empty() ? kNone : far_.top().cycle);
  }

  // Calls fn(cycle, id) for every id due before `limit`, in cycle order; fn may push ids due at
  // later cycles (or at the cycle being run: they are taken in the same run).
  template <typename Fn>
  void run_until(uint64_t limit, Fn&& fn) {
    for (uint64_t c = next_cycle(); c < limit; c = next_cycle()) {
      base_ = c;
      while (!far_.empty() && far_.top().cycle == c) {  // now inside the ring
        const uint32_t id = far_.top().id;
        far_.pop();
        push(c, id);
      }
      const uint64_t slot = c % kCycles;
      uint64_t* set = &sets_[slot * words_];
      uint64_t* summary = summary_words_ ? &summaries_[slot * summary_words_] : nullptr;
      auto take_word = [&](uint32_t w) {
        while (set[w]) {
          const uint64_t bits = set[w];
          set[w] = bits & (bits - 1);
          fn(c, w * 64 + uint32_t(__builtin_ctzll(bits)));
        }
      };
      do {  // again if fn pushed an id for this cycle into a word already passed
        rerun_ = false;
        if (!summary) {
          for (uint32_t w = 0; w < words_; ++w) take_word(w);
        } else {
          for (uint32_t sw = 0; sw < summary_words_; ++sw) {
            while (summary[sw]) {
              const uint32_t w = sw * 64 + uint32_t(__builtin_ctzll(summary[sw]));
              take_word(w);
              summary[sw] &= ~(uint64_t(1) << (w & 63));
            }
          }
        }
      } while (rerun_);
      busy_[slot >> 6] &= ~(uint64_t(1) << (slot & 63));
    }
    if (limit != kNone && limit > base_) base_ = limit;
  }

 private:
  static_assert(kCycles == 256, "busy_ holds four words");
  struct Far {
    uint64_t cycle;
    uint32_t id;
    bool operator>(const Far& o) const { return cycle != o.cycle ? cycle > o.cycle : id > o.id; }
  };
  uint32_t words_ = 0, summary_words_ = 0;
  std::vector<uint64_t> sets_;       // [slot * words_ + id / 64]
  std::vector<uint64_t> summaries_;  // [slot * summary_words_ + id / 4096]: bit (id / 64) % 64 if that word is non-empty
  uint64_t busy_[4] = {};
  std::priority_queue<Far, std::vector<Far>, std::greater<Far>> far_;
  uint64_t base_ = 0;
  bool rerun_ = false;
};

}  // namespace star
