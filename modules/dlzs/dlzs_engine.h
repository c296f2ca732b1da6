// The DLZS engine as a pipeline stage (STAR-SPEC 3): 128 LZ encoders, a 128 x 32 shift-add array,
// a 4 KB output buffer streaming A_hat tiles to SADS.
//
// Compute cycles of a (query block, key tile) cell, from CoreConfig:
//   A_hat (phase 1.2)  ceil(rows / dlzs_rows) * ceil(keys / dlzs_cols) * d
//                      (each PE adds one shifted operand per cycle, d per score)
//   LZ5(Q)             ceil(rows * d / lz_encoders), at the block's first tile
//   K_hat (phase 1.1)  ceil(keys * d_model * d / (dlzs_rows * dlzs_cols)) when the tile's K_hat is
//                      produced (first visit per K/V head, or every visit under the
//                      `recompute` reuse policy); full layer only
//   Q (full layer)     ceil(rows * d_model * d / (kvgen_rows * kvgen_cols)) at the block's first
//                      tile: the KV-generation array makes the block's exact Q before prediction
//   dense (prediction off): nothing.
#pragma once

#include <set>
#include <utility>

#include "star_core/stage_engine.h"

namespace star {

class DlzsEngine : public StageEngine {
 public:
  DlzsEngine(const sc_core::sc_module_name& name, const CoreConfig& cfg, DataFetcher& fetcher)
      : StageEngine(name, Stage::predict, cfg, fetcher) {}
  void new_job() { k_hat_made_.clear(); }

 protected:
  std::uint64_t compute_cycles(TileToken& t) override;
  bool in_pass(std::uint8_t pass) const override { return pass == 1 || pass == 2; }

 private:
  std::set<std::pair<std::uint32_t, std::uint32_t>> k_hat_made_;  // (K/V head, tile)
};

}  // namespace star
