// Configuration of the STAR algorithm for one layer: predictor, selection, tiling, SU-FA order,
// masking and the on-demand K/V ablation. Shared by the algorithm chain and the SystemC core.
#pragma once

#include <cstdint>

#include "common/selection.h"
#include "dlzs/dlzs_model.h"
#include "sads/sads_model.h"
#include "sufa/sufa_model.h"

namespace star {

struct StarAlgoConfig {
  Predictor predictor = Predictor::dlzs;
  bool dense = false;                // prediction off: every (unmasked) key is selected
  SadsConfig sads;                   // keep ratio, spherical radius, sort core shape
  std::uint32_t subsegments = 4;     // n = T_c sub-segments per row; B_c = ceil(S / n)
  std::uint32_t tile_keys = 0;       // B_c directly; overrides `subsegments` when non-zero
  std::uint32_t block_queries = 128; // T, queries processed together
  SufaConfig sufa;                   // order and max guard
  bool causal = false;               // decoder prefill: query i sees keys <= its position
  bool on_demand_kv = true;          // false: K/V generated for every token (ablation)

  KeyTiling tiling(std::uint32_t seq_len) const;
  void validate(std::uint32_t seq_len) const;  // throws std::invalid_argument naming the field
};

// Causal convention: with n_q queries over S keys, query i sits at position i + (S - n_q), so
// the last query sees every key (prefill: n_q == S, position i).
inline std::uint32_t causal_valid_keys(std::uint32_t query, std::uint32_t n_queries,
                                       std::uint32_t seq_len) {
  return query + (seq_len - n_queries) + 1;
}

}  // namespace star
