// Builders shared by the RASS, tiling and transfer-plan tests.
#pragma once

#include <cstdint>
#include <vector>

#include "common/selection.h"
#include "controller/tiling_model.h"

namespace star::test {

// A RowSelection from per-tile key lists (given in the order SADS would store them).
inline RowSelection make_selection(const std::vector<std::vector<std::uint32_t>>& per_tile) {
  RowSelection s;
  for (const auto& keys : per_tile) {
    s.keys.insert(s.keys.end(), keys.begin(), keys.end());
    s.tile_start.push_back(static_cast<std::uint32_t>(s.keys.size()));
  }
  return s;
}

// The tiny case of docs/tiling.md: S = 8 keys in 2 tiles of 4, two queries (positions 6 and 7) in
// one block, d = 2, d_model = 4.
inline TilingConfig tiny_config(JobKind kind) {
  TilingConfig c;
  c.seq_len = 8;
  c.n_queries = 2;
  c.head_dim = 2;
  c.d_model = 4;
  c.tile_keys = 4;
  c.kind = kind;
  return c;
}
inline std::vector<RowSelection> tiny_rows() {
  return {make_selection({{0, 1}, {4, 5}}), make_selection({{2, 1}, {5, 4}})};
}

}  // namespace star::test
