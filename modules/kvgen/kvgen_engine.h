// The KV-generation array as a pipeline stage (STAR-SPEC 3): 128 x 4 16-bit PEs that make the
// exact K and V rows of the tokens the block selected in the tile and nobody selected before
// (on-demand generation; the fetcher gathers their X rows in RASS order and stores the new rows
// in the K/V cache, reused rows are reloaded). Attention-only jobs gather the selected V rows.
//
// Compute cycles of a cell: ceil(2 * fresh_rows * d_model * d / (kvgen_rows * kvgen_cols)) for a
// full layer with on-demand generation (K and V, one MAC per PE per cycle); nothing otherwise
// (the ablation without on-demand generation makes every row of a K/V head at its first cell:
// ceil(2 * S * d_model * d / PEs) cycles, or the time to read X and store the K/V cache if longer).
#pragma once

#include "star_core/stage_engine.h"

namespace star {

class KvGenEngine : public StageEngine {
 public:
  KvGenEngine(const sc_core::sc_module_name& name, const CoreConfig& cfg, DataFetcher& fetcher)
      : StageEngine(name, Stage::kvgen, cfg, fetcher) {}

 protected:
  std::uint64_t compute_cycles(TileToken& t) override;
  bool in_pass(std::uint8_t pass) const override { return pass == 4; }
};

}  // namespace star
