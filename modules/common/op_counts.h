// Operation counts every algorithm model returns with its result. The SystemC blocks turn them
// into busy time (per-block throughput) and energy (per-action table), so the names are the
// hardware's actions, not the C++ loop's.
#pragma once

#include <cstdint>
#include <ostream>

namespace star {

struct OpCounts {
  std::uint64_t lz_encodes = 0;   // leading-zero encoder conversions (DLZS)
  std::uint64_t shifts = 0;       // barrel shifts in the shift-add array (DLZS)
  std::uint64_t adds = 0;         // integer adds/subtracts (accumulations)
  std::uint64_t macs = 0;         // multiply-accumulates (int4/exact prediction, K/V gen, SU-FA)
  std::uint64_t compares = 0;     // comparisons (sorting, max tracking, guards)
  std::uint64_t sort_steps = 0;   // steps of a 16-to-4 bitonic sort core (SADS)
  std::uint64_t exps = 0;         // exponentials (SU-FA)
  std::uint64_t rescales = 0;     // rescale events of a running (l, o) pair (SU-FA, FA-2)
  std::uint64_t multiplies = 0;   // scalar multiplies outside MACs (rescaling o, combine)
  std::uint64_t divisions = 0;    // divisions (SU-FA final normalisation)
  std::uint64_t zero_skips = 0;   // operands removed by the zero eliminator (DLZS)

  OpCounts& operator+=(const OpCounts& o) {
    lz_encodes += o.lz_encodes;
    shifts += o.shifts;
    adds += o.adds;
    macs += o.macs;
    compares += o.compares;
    sort_steps += o.sort_steps;
    exps += o.exps;
    rescales += o.rescales;
    multiplies += o.multiplies;
    divisions += o.divisions;
    zero_skips += o.zero_skips;
    return *this;
  }
  friend OpCounts operator+(OpCounts a, const OpCounts& b) { return a += b; }
  bool operator==(const OpCounts& o) const {
    return lz_encodes == o.lz_encodes && shifts == o.shifts && adds == o.adds && macs == o.macs &&
           compares == o.compares && sort_steps == o.sort_steps && exps == o.exps &&
           rescales == o.rescales && multiplies == o.multiplies && divisions == o.divisions &&
           zero_skips == o.zero_skips;
  }
};

inline std::ostream& operator<<(std::ostream& os, const OpCounts& c) {
  return os << "{lz_encodes=" << c.lz_encodes << " shifts=" << c.shifts << " adds=" << c.adds
            << " macs=" << c.macs << " compares=" << c.compares << " sort_steps=" << c.sort_steps
            << " exps=" << c.exps << " rescales=" << c.rescales << " multiplies=" << c.multiplies
            << " divisions=" << c.divisions << " zero_skips=" << c.zero_skips << "}";
}

}  // namespace star
