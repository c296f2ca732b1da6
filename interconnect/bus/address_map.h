// The address map of a bus: non-overlapping ranges [base, base + size), each naming the target
// port that serves it. Plain C++ so the decoding rules are testable without a kernel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace star {

struct AddressRange {
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  unsigned target = 0;  // index of the bus's initiator-socket binding
  std::string name;     // for messages ("hbm", "regs")

  std::uint64_t last() const { return base + (size - 1); }  // inclusive, never overflows
  bool contains(std::uint64_t addr) const { return addr >= base && addr - base < size; }
  // [addr, addr + len) lies entirely inside (len 0 counts as inside when addr is).
  bool contains(std::uint64_t addr, std::uint64_t len) const {
    return contains(addr) && len <= size - (addr - base);
  }
  std::string to_string() const;  // "hbm [0x80000000, 0x87ffffff] -> target 1"
};

class AddressMap {
 public:
  // Throws std::invalid_argument for size 0, a range that wraps past 2^64, or one that overlaps an
  // existing range (the message names both ranges).
  const AddressRange& add(std::uint64_t base, std::uint64_t size, unsigned target,
                          std::string name = {});
  // The range containing addr, or nullptr.
  const AddressRange* find(std::uint64_t addr) const;
  // Ranges sorted by base address.
  const std::vector<AddressRange>& ranges() const { return ranges_; }

 private:
  std::vector<AddressRange> ranges_;
};

}  // namespace star
