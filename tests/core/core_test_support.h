// Helpers of the STAR core tests (the placement itself is soc/job_placement.h; output comparison,
// shared inputs and error-message checks are tests/support).
//   soc_config(mode)     the default SoC in functional or performance mode
//   dominant_qkv_512()   one head, 512 queries and keys, d = 64 (RowType::dominant, seed 3): the
//                        job the data-mode and batching tests replay
#pragma once

#include "../platform/platform_test_support.h"
#include "reference/generators.h"
#include "soc/job_placement.h"
#include "soc/star_soc.h"
#include "star_core/star_attention_model.h"
#include "support/expect_error.h"
#include "support/output_compare.h"
#include "support/test_inputs.h"

namespace star::test {

constexpr std::uint64_t kRegion = std::uint64_t{256} << 20;

inline MatF get_output(const HbmMemory& mem, const CoreJob& job) { return read_output(mem, job); }
inline CoreJob attention_job(const QuantizedQkv& qkv, const StarAlgoConfig& algo) {
  return qkv_job(qkv, algo);
}

inline SocConfig soc_config(DataMode mode) {
  SocConfig cfg;
  cfg.memory.mode = mode;
  return cfg;
}

inline QuantizedQkv dominant_qkv_512() {
  const QkvInputs in = generate_qkv(RowType::dominant, 512, 512, 64, 3);
  return quantize_qkv(in.q, in.k, in.v, 1, 1, 64);
}

}  // namespace star::test
