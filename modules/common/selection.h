// The set of keys one query row attends to, as SADS hands it to the formal stage.
#pragma once

#include <cstdint>
#include <vector>

namespace star {

// Keys are grouped by key tile (sub-segment). Within tile t, the keys are
// keys[tile_start[t] .. tile_start[t+1]); the first is the predicted top-1 of the tile, the
// second the predicted top-2, the rest in ascending key index (SADS orders only the top two).
struct RowSelection {
  std::vector<std::uint32_t> keys;
  std::vector<std::uint32_t> tile_start{0};  // size n_tiles + 1

  std::size_t count() const { return keys.size(); }
  std::size_t n_tiles() const { return tile_start.size() - 1; }
  std::size_t tile_size(std::size_t t) const { return tile_start[t + 1] - tile_start[t]; }
  const std::uint32_t* tile_begin(std::size_t t) const { return keys.data() + tile_start[t]; }
};

// Geometry of the key tiling: S keys cut into tiles of B_c keys (the last may be shorter).
struct KeyTiling {
  std::uint32_t seq_len = 0;    // S
  std::uint32_t tile_keys = 0;  // B_c
  std::uint32_t n_tiles() const { return tile_keys ? (seq_len + tile_keys - 1) / tile_keys : 0; }
  std::uint32_t tile_first(std::uint32_t t) const { return t * tile_keys; }
  std::uint32_t tile_len(std::uint32_t t) const {
    const std::uint32_t first = tile_first(t);
    return first >= seq_len ? 0 : (seq_len - first < tile_keys ? seq_len - first : tile_keys);
  }
};

}  // namespace star
