// Per-cell DRAM transfer plans: the DRAM side of count_traffic (tiling_model.h) as concrete
// transfers of one (query block, key tile) cell, for the SystemC core's data fetcher. count_traffic
// sums exactly these transfers, so a core that issues them moves the modelled bytes by
// construction. docs/tiling.md section 8 lists the transfers of each flow.
//
// Operands and their rows (bytes_per_row in brackets; d = head_dim, S = seq_len):
//   x              one token's X row [d_model]; first_row = the token's position
//   w_q, w_k, w_v  one of the d_model rows of the weight [d]; rows = d_model
//   lz_w_k         the whole 4-bit packed LZ(W_k) as one row [ceil(d_model d / 2)]
//   q              one query's row [2d]; first_row = query index (0 .. n_queries-1)
//   o              one query's output row, binary32 [4d]; first_row = query index
//   k, v, k_hat    one token's row [2d]; first_row = token position
//   kv_cache       one token's spilled K and V rows, interleaved so one access gets both [4d]
//   a_hat          one query's A_hat segment of the cell's tile [2 x tile_len]; first_row = query
//   indices, scores, probabilities
//                  one selected entry [2]; a transfer covers the cell's packed list, first_row = 0
//                  inside that region
//   sufa_state     the off-chip part of the block's SU-FA / PV state, one row [its bytes]
// Gathers (gather = true) fetch or store rows named by the selection, one transaction per row:
//   RASS on: the cell's union rows in RASS order; for full_layer K/V generation the fresh rows
//   (generated: X gathered, K/V stored) and the union minus fresh rows (reloaded from kv_cache).
//   RASS off: the vanilla per-query gather's vanilla_loads row loads (fresh rows are generated at
//   their first load, the other loads reload).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "controller/tiling_model.h"

namespace star {

// What a transfer moves (its DRAM region).
enum class Operand {
  x,
  w_q,
  lz_w_k,
  w_k,
  w_v,
  q,
  k,
  v,
  k_hat,
  kv_cache,
  a_hat,
  indices,
  scores,
  probabilities,
  o,
  sufa_state
};
std::string to_string(Operand operand);

enum class Direction { read, write };
std::string to_string(Direction dir);

// One DRAM transfer of a cell: `rows` rows of `bytes_per_row` bytes, consecutive from first_row
// (gather = false) or chosen by the selection (gather = true, first_row unused).
struct Transfer {
  Stage stage = Stage::predict;  // the stage count_traffic charges the bytes to
  Direction dir = Direction::read;
  Operand operand = Operand::x;
  std::uint32_t first_row = 0, rows = 0;
  std::uint64_t bytes_per_row = 0;
  bool gather = false;
  // stage_isolated: the pass that issues it (1 Q, 2 predict, 3 top-k, 4 K/V generation, 5 QK^T,
  // 6 softmax, 7 PV and output; docs/tiling.md section 3). coordinated: 0 (one pass).
  std::uint8_t pass = 0;
  std::uint64_t bytes() const { return std::uint64_t{rows} * bytes_per_row; }
};

// The DRAM transfers of cell (block, tile) in issue order (stage_isolated: by pass, then as each
// pass issues them), including the per-layer and per-block transfers that happen at that cell:
// resident weights at the layer's first cell (0, 0), the block's Q / X rows at its first tile,
// O at its last visited tile. policy is count_traffic's report for the same cfg, flow and
// selection (its reuse choices, score_loads and first_selecting_block); cell is
// stats.cell(block, tile).
// Throws std::invalid_argument for a bad cfg, a cell the schedule does not visit, a policy built
// for another geometry, or cell statistics that do not fit the tile.
std::vector<Transfer> cell_transfers(const TilingConfig& cfg, Flow flow,
                                     const TrafficReport& policy, const TileSelectionStats& cell,
                                     std::uint32_t block, std::uint32_t tile);

// Allocation-free form (count_traffic counts every cell of a layer with it): appends the transfers
// to `out` without checking the arguments (cfg validated, cell visited, policy sized for cfg).
class CellTransferList {
 public:
  static constexpr std::size_t kCapacity = 64;  // a cell issues at most ~30
  void push(const Transfer& t);                 // throws std::logic_error when full
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  const Transfer* begin() const { return items_.data(); }
  const Transfer* end() const { return items_.data() + size_; }

 private:
  std::array<Transfer, kCapacity> items_{};
  std::size_t size_ = 0;
};
void append_cell_transfers(const TilingConfig& cfg, Flow flow, const TrafficReport& policy,
                           const TileSelectionStats& cell, std::uint32_t block, std::uint32_t tile,
                           CellTransferList& out);

}  // namespace star
