// Items due at given cycles, taken in cycle order (first in, first out within a cycle): a ring of
// per-cycle buckets for the near future, each a list threaded through one pool of nodes (O(1)
// per item, no allocation once the pool has grown), a bitmap of the non-empty buckets to jump
// over idle cycles, and a heap for items beyond the ring. Cycles pushed must not be before the
// cycle being run (or, between runs, before the last run's limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <vector>

#include "noc/ring_bitmap.h"

namespace star {

template <typename T, size_t kBuckets = 1024>
class CycleQueue {
  static_assert(kBuckets % 64 == 0, "the bitmap holds whole words");

 public:
  static constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();

  CycleQueue() {
    for (size_t b = 0; b < kBuckets; ++b) head_[b] = tail_[b] = kNil;
  }

  void push(uint64_t cycle, const T& item) {
    ++size_;
    if (cycle >= base_ + kBuckets) {
      far_.push(Far{cycle, order_++, item});
      return;
    }
    uint32_t n;
    if (free_ != kNil) {
      n = free_;
      free_ = nodes_[n].next;
      nodes_[n].item = item;
    } else {
      n = uint32_t(nodes_.size());
      nodes_.push_back(Node{item, kNil});
    }
    nodes_[n].next = kNil;
    const uint64_t b = cycle % kBuckets;
    if (tail_[b] == kNil) {
      head_[b] = n;
      bits_[b >> 6] |= uint64_t(1) << (b & 63);
    } else {
      nodes_[tail_[b]].next = n;
    }
    tail_[b] = n;
  }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // The earliest cycle holding an item; kNone if empty.
  uint64_t next_cycle() const {
    if (size_ == 0) return kNone;
    return first_marked_cycle(bits_, kBuckets, base_, far_.empty() ? kNone : far_.top().cycle);
  }

  // Calls fn(cycle, item) for every item due before `limit`, in cycle order; fn may push items
  // due at the cycle being run or later.
  template <typename Fn>
  void run_until(uint64_t limit, Fn&& fn) {
    for (uint64_t c = next_cycle(); c < limit; c = next_cycle()) {
      base_ = c;
      const uint64_t b = c % kBuckets;
      for (;;) {
        if (head_[b] != kNil) {
          const uint32_t n = head_[b];
          head_[b] = nodes_[n].next;
          if (head_[b] == kNil) {
            tail_[b] = kNil;
            bits_[b >> 6] &= ~(uint64_t(1) << (b & 63));
          }
          const T item = nodes_[n].item;
          nodes_[n].next = free_;
          free_ = n;
          --size_;
          fn(c, item);
        } else if (!far_.empty() && far_.top().cycle == c) {
          const T item = far_.top().item;
          far_.pop();
          --size_;
          fn(c, item);
        } else {
          break;
        }
      }
    }
    if (limit != kNone && limit > base_) base_ = limit;
  }

 private:
  static constexpr uint32_t kNil = ~uint32_t(0);
  struct Node {
    T item;
    uint32_t next;
  };
  struct Far {
    uint64_t cycle, order;
    T item;
    bool operator>(const Far& o) const { return cycle != o.cycle ? cycle > o.cycle : order > o.order; }
  };
  std::vector<Node> nodes_;
  uint32_t free_ = kNil;
  uint32_t head_[kBuckets], tail_[kBuckets];
  uint64_t bits_[kBuckets / 64] = {};
  std::priority_queue<Far, std::vector<Far>, std::greater<Far>> far_;
  uint64_t base_ = 0, order_ = 0;
  size_t size_ = 0;
};

}  // namespace star
