#include "bus/address_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace star {

std::string AddressRange::to_string() const {
  return fmt::format("{}[{:#x}, {:#x}] -> target {}", name.empty() ? "" : name + " ", base, last(),
                     target);
}

const AddressRange& AddressMap::add(std::uint64_t base, std::uint64_t size, unsigned target,
                                    std::string name) {
  AddressRange r{base, size, target, std::move(name)};
  if (size == 0)
    throw std::invalid_argument(fmt::format("address range {} at {:#x} has size 0", r.name, base));
  if (base + (size - 1) < base)
    throw std::invalid_argument(fmt::format(
        "address range {} at {:#x} of size {:#x} wraps past the end of the address space", r.name,
        base, size));
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), base,
                             [](const AddressRange& a, std::uint64_t b) { return a.base < b; });
  auto overlaps = [&r](const AddressRange& o) { return r.base <= o.last() && o.base <= r.last(); };
  if (it != ranges_.end() && overlaps(*it))
    throw std::invalid_argument("address range " + r.to_string() + " overlaps " + it->to_string());
  if (it != ranges_.begin() && overlaps(*std::prev(it)))
    throw std::invalid_argument("address range " + r.to_string() + " overlaps " +
                                std::prev(it)->to_string());
  return *ranges_.insert(it, std::move(r));
}

const AddressRange* AddressMap::find(std::uint64_t addr) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), addr,
                             [](std::uint64_t a, const AddressRange& r) { return a < r.base; });
  if (it == ranges_.begin()) return nullptr;
  --it;
  return it->contains(addr) ? &*it : nullptr;
}

}  // namespace star
