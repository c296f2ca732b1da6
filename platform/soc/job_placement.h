// Puts a quantised layer into the SoC's memory in the core's head-major layout and builds the
// matching job; reads the output back. For tests, benchmarks and the scenario runner (the host
// driver does the same through its HAL).
#pragma once

#include <cstdint>

#include "memory/hbm_memory.h"
#include "star_core/core_job.h"
#include "star_core/star_attention_model.h"

namespace star {

// Regions start at `base` and are `region` bytes apart (the memory is sparse, so far apart is
// free). Throws std::invalid_argument if a tensor does not fit its region.
CoreJob place_qkv(HbmMemory& mem, const QuantizedQkv& qkv, const StarAlgoConfig& algo,
                  std::uint64_t base = 0, std::uint64_t region = std::uint64_t{256} << 20);
CoreJob place_layer(HbmMemory& mem, const QuantizedLayer& layer, const StarAlgoConfig& algo,
                    const LayerShifts& shifts, std::uint64_t base = 0,
                    std::uint64_t region = std::uint64_t{256} << 20);
// The job alone (addresses and scales, no data): performance mode.
CoreJob qkv_job(const QuantizedQkv& qkv, const StarAlgoConfig& algo, std::uint64_t base = 0,
                std::uint64_t region = std::uint64_t{256} << 20);

// O of every head, packed like the model's output (n_q x heads*d).
MatF read_output(const HbmMemory& mem, const CoreJob& job);

}  // namespace star
