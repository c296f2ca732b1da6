// The SADS engine as a pipeline stage (STAR-SPEC 3): one 16-to-4 bitonic sort core and clipping
// unit per query row (128), each selecting its row's top-(k/n) of the tile as A_hat streams in.
//
// Compute cycles of a cell: ceil(rows / sort_cores) * (slowest row's sort steps + 1): the cores
// run in parallel, one sort step (12 new values against the 4 kept) per cycle, plus one cycle to
// emit the top-1/top-2 and the index list. Prediction off (dense): nothing to sort.
#pragma once

#include "star_core/stage_engine.h"

namespace star {

class SadsEngine : public StageEngine {
 public:
  SadsEngine(const sc_core::sc_module_name& name, const CoreConfig& cfg, DataFetcher& fetcher)
      : StageEngine(name, Stage::select, cfg, fetcher) {}

 protected:
  std::uint64_t compute_cycles(TileToken& t) override;
  bool in_pass(std::uint8_t pass) const override { return pass == 3; }
};

}  // namespace star
