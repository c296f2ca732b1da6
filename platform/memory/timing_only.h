// A TLM extension marking a transaction that only books time in the memory model: the bytes it
// stands for move separately (functional mode: through debug transport, row by row). The STAR
// core's fetcher times a gather of scattered rows, or a strided tile, as a few long bursts this
// way, so functional and performance mode see identical timing by construction.
#pragma once

#include <tlm>

namespace star {

struct TimingOnly : tlm::tlm_extension<TimingOnly> {
  tlm::tlm_extension_base* clone() const override { return new TimingOnly(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

inline bool is_timing_only(const tlm::tlm_generic_payload& trans) {
  return trans.get_extension<TimingOnly>() != nullptr;
}

}  // namespace star
