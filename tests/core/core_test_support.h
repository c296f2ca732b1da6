// Helpers of the STAR core tests (the placement itself is soc/job_placement.h).
#pragma once

#include "../platform/platform_test_support.h"
#include "soc/job_placement.h"
#include "soc/star_soc.h"
#include "star_core/star_attention_model.h"

namespace star::test {

constexpr std::uint64_t kRegion = std::uint64_t{256} << 20;

inline MatF get_output(const HbmMemory& mem, const CoreJob& job) { return read_output(mem, job); }
inline CoreJob attention_job(const QuantizedQkv& qkv, const StarAlgoConfig& algo) {
  return qkv_job(qkv, algo);
}

}  // namespace star::test
