// The SU-FA engine as the last pipeline stage (STAR-SPEC 3): SA-1 (128 x 2) computes the exact
// scores of the selected keys, the max/exp unit (128 EXP) weighs them against the tile's
// reference, SA-2 (128 x 2) accumulates P V; at the block's last tile the partials are combined
// and divided (128 DIV) and O is written.
//
// Compute cycles of a cell (SA-1, EXP and SA-2 are pipelined, so the slowest sets the pace):
//   max(ceil(selected * d / (sufa_rows * sufa_cols)), ceil(exps / exp_units))
//     + ceil(rescales * (d + 1) / (sufa_rows * sufa_cols))
// with the exps and rescales of the SU-FA order (see sufa_engine.cpp)
// and at the block's last tile, the combine and division:
//   ceil(rows * tiles * (d + 1) / (sufa_rows * sufa_cols)) + ceil(rows * d / div_units)
// (a partial-output job, kv_split, combines its shard's tiles and skips the division).
// Stage-isolated flow: pass 5 computes scores (SA-1), pass 6 the softmax (EXP), pass 7 P V and O.
#pragma once

#include "star_core/stage_engine.h"

namespace star {

class SufaEngine : public StageEngine {
 public:
  SufaEngine(const sc_core::sc_module_name& name, const CoreConfig& cfg, DataFetcher& fetcher)
      : StageEngine(name, Stage::formal, cfg, fetcher) {}

 protected:
  std::uint64_t compute_cycles(TileToken& t) override;
  bool in_pass(std::uint8_t pass) const override { return pass >= 5; }
  bool issues(Stage s) const override { return s == Stage::formal || s == Stage::output; }
};

}  // namespace star
