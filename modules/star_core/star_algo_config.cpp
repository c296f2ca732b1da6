#include "star_core/star_algo_config.h"

#include <stdexcept>
#include <string>

namespace star {

KeyTiling StarAlgoConfig::tiling(std::uint32_t seq_len) const {
  const std::uint32_t bc = tile_keys ? tile_keys : (seq_len + subsegments - 1) / subsegments;
  return KeyTiling{seq_len, bc};
}

void StarAlgoConfig::validate(std::uint32_t seq_len) const {
  auto fail = [](const std::string& m) { throw std::invalid_argument(m); };
  if (seq_len == 0) fail("sequence length must be at least 1");
  if (!dense) star::validate(sads);
  if (tile_keys == 0 && (subsegments < 1 || subsegments > seq_len))
    fail("subsegments = " + std::to_string(subsegments) + " must be in [1, S = " +
         std::to_string(seq_len) + "]");
  if (tile_keys > seq_len)
    fail("tile_keys = " + std::to_string(tile_keys) + " exceeds the sequence length " +
         std::to_string(seq_len));
  if (block_queries == 0) fail("block_queries must be at least 1");
  if (dense && sufa.order == SufaOrder::ascending)
    fail("SU-FA order 'ascending' orders keys by their predicted scores: it needs prediction "
         "(not dense)");
}

}  // namespace star
