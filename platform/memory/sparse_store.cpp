#include "memory/sparse_store.h"

#include <algorithm>
#include <cstring>

namespace star {

SparseStore::SparseStore(std::uint64_t capacity_bytes, std::uint64_t page_bytes)
    : capacity_(capacity_bytes), page_bytes_(page_bytes) {}

void SparseStore::read(std::uint64_t addr, std::uint8_t* dst, std::uint64_t len) const {
  while (len) {
    const std::uint64_t off = addr & (page_bytes_ - 1);
    const std::uint64_t n = std::min(len, page_bytes_ - off);
    const auto it = pages_.find(addr / page_bytes_);
    if (it == pages_.end())
      std::memset(dst, 0, n);
    else
      std::memcpy(dst, it->second.get() + off, n);
    addr += n, dst += n, len -= n;
  }
}

void SparseStore::write(std::uint64_t addr, const std::uint8_t* src, std::uint64_t len) {
  while (len) {
    const std::uint64_t off = addr & (page_bytes_ - 1);
    const std::uint64_t n = std::min(len, page_bytes_ - off);
    std::memcpy(page_for(addr) + off, src, n);
    addr += n, src += n, len -= n;
  }
}

std::uint8_t* SparseStore::page_for(std::uint64_t addr) {
  auto& page = pages_[addr / page_bytes_];
  if (!page) page.reset(new std::uint8_t[page_bytes_]());  // value-initialised: zeros
  return page.get();
}

}  // namespace star
