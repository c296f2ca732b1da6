// The functional backing store of a large memory: fixed-size pages allocated on first touch, so
// a multi-GiB address space costs only what a run writes. Untouched bytes read as zero.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

namespace star {

class SparseStore {
 public:
  SparseStore(std::uint64_t capacity_bytes, std::uint64_t page_bytes);

  // Callers have checked addr + len <= capacity.
  void read(std::uint64_t addr, std::uint8_t* dst, std::uint64_t len) const;
  void write(std::uint64_t addr, const std::uint8_t* src, std::uint64_t len);
  // The page holding `addr`, allocated (zeroed) if needed: for DMI grants.
  std::uint8_t* page_for(std::uint64_t addr);
  std::uint64_t page_base(std::uint64_t addr) const { return addr & ~(page_bytes_ - 1); }
  std::uint64_t page_bytes() const { return page_bytes_; }
  std::uint64_t capacity() const { return capacity_; }
  std::size_t allocated_pages() const { return pages_.size(); }
  void clear() { pages_.clear(); }

 private:
  std::uint64_t capacity_;
  std::uint64_t page_bytes_;
  std::unordered_map<std::uint64_t, std::unique_ptr<std::uint8_t[]>> pages_;  // by page index
};

}  // namespace star
