// Everything a running job shares between the core's blocks, free of SystemC: the functional
// state (inputs read from DRAM, each head's pipeline, the per-block state of blocks in flight, the
// K/V cache) and, for performance mode, the selection statistics drawn from the keep ratio. The
// SystemC blocks call one method per tile and time it from the returned CellWork.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "controller/rass_model.h"
#include "controller/tiling_model.h"
#include "controller/transfer_plan.h"
#include "star_core/core_config.h"
#include "star_core/core_job.h"
#include "star_core/head_pipeline.h"

namespace star {

// What one (head, query block, key tile) cell asks of the stages: the timing inputs, equal in
// both data modes for the same selection.
struct CellWork {
  std::uint32_t rows = 0;            // queries of the block
  std::uint32_t keys = 0;            // keys of the tile
  std::uint64_t selected = 0;        // sum over rows of keys selected in the tile
  std::uint32_t max_sort_steps = 0;  // slowest sort core's steps (a batched cell: summed over
                                     // its key tiles, each tile's slowest core)
  TileSelectionStats stats;          // union / vanilla loads / fresh rows (tiling model)
  OpCounts predict, select, kvgen, formal;  // actions, for energy
  bool operator==(const CellWork& o) const {
    return rows == o.rows && keys == o.keys && selected == o.selected &&
           max_sort_steps == o.max_sort_steps && stats.union_rows == o.stats.union_rows &&
           stats.selected == o.stats.selected && stats.vanilla_loads == o.stats.vanilla_loads &&
           stats.fresh_rows == o.stats.fresh_rows;
  }
};

// How performance mode draws a cell's selection statistics [design]: each row keeps its SADS
// budget of every tile; the queries of a block pick overlapping keys, a fraction `overlap` of
// each row's picks shared with the block (dominant tokens, shared topics), the rest spread
// uniformly; K/V rows are fresh in proportion to the tile's rows not generated yet.
//
// Batching [design] (batch_tiles = k > 1; performance mode, attention-only coordinated jobs): the
// controller issues one macro cell per k consecutive visited key tiles of the same (head, query
// block). Its statistics are the sums of its tiles' (the draw is deterministic: the same numbers
// as k single cells), its stage times are computed from those sums (each stage's per-tile
// overhead counted k times), and its DRAM transfers are its tiles' plans merged per stream
// (contiguous rows joined, gathers and repeated accesses of one region summed; same bytes),
// issued in bursts of up to k x max_burst_bytes. docs/core.md gives the measured error.
struct PerformanceWorkload {
  double overlap = 0.5;
  std::uint32_t batch_tiles = 1;  // k; 1: one cell per key tile (exact)
};

// The longest burst a macro cell of `tiles` key tiles issues: its merged streams move in bursts
// of up to tiles x max_burst_bytes (a NoC message longer than a packet travels as a train of
// packets, timed as one by the packet model).
inline std::uint64_t macro_cell_burst_bytes(std::uint32_t max_burst_bytes, std::uint32_t tiles) {
  return std::uint64_t{max_burst_bytes} * std::max<std::uint32_t>(tiles, 1);
}

// Automatic batching [design]: the smallest k whose macro cells number at most `target_cells`
// (per head and query block, ceil(visited key tiles / k); causal blocks visit fewer tiles), so
// the simulated transactions stay near a fixed count whatever S. When even one cell per (head,
// block) exceeds the target, k is the most tiles a block visits. 1 where batching cannot apply:
// functional mode, full-layer and stage-isolated jobs (check_workload). Throws
// std::invalid_argument when target_cells is 0.
std::uint32_t auto_batch_tiles(const CoreJob& job, std::uint64_t target_cells, bool functional = false);

// Throws std::invalid_argument when `perf` cannot drive `job` (batch_tiles 0, or batching in
// functional mode or for a full-layer / stage-isolated job). Callers that start jobs from inside
// the simulation call it before the first step.
void check_workload(const PerformanceWorkload& perf, const CoreJob& job, bool functional);

class JobContext {
 public:
  using Reader = std::function<void(std::uint64_t addr, void* dst, std::uint64_t len)>;
  using Writer = std::function<void(std::uint64_t addr, const void* src, std::uint64_t len)>;

  JobContext(const CoreJob& job, const CoreConfig& core, bool functional,
             PerformanceWorkload perf = {});
  ~JobContext();
  JobContext(const JobContext&) = delete;
  JobContext& operator=(const JobContext&) = delete;

  const CoreJob& job() const { return job_; }
  const TilingConfig& tiling() const { return tiling_; }
  const TrafficReport& policy() const { return policy_; }
  bool functional() const { return functional_; }

  // Functional mode: read the job's inputs from DRAM (untimed; the timing is the transfer plan's).
  void load_inputs(const Reader& read);

  // The cells of the job in issue order: kv head, its query heads, blocks, tiles.
  struct Cell {
    std::uint32_t head, kv_head, block, tile;
    bool first_of_block, last_of_block, last_of_head;
    std::uint32_t tiles = 1;  // key tiles [tile, tile + tiles) (a batched macro cell: up to k)
  };
  const std::vector<Cell>& cells() const { return cells_; }

  // Per-stage work of one cell (call in cell order per stage).
  CellWork predict(const Cell& c);
  void select(const Cell& c, CellWork& w);
  void generate(const Cell& c, CellWork& w);
  void formal(const Cell& c, CellWork& w);
  // End of a block: combine and divide, write its O rows to DRAM (functional mode). A
  // partial-output job keeps the block's SU-FA partials instead (partials()).
  OpCounts finish_block(const Cell& c, const Writer& write);

  // A partial-output job's finished blocks, in completion order: rows [r0, r0 + rows) of `head`,
  // sufa_partial_floats(d) floats per row in `data` (functional mode; empty in performance mode).
  struct BlockPartials {
    std::uint32_t head = 0, block = 0, r0 = 0, rows = 0;
    std::vector<float> data;
  };
  const std::vector<BlockPartials>& partials() const { return partials_; }

  // Replay: performance mode uses these cells' statistics instead of drawing them (a functional
  // run's record), so both modes see the same selections.
  // Batched cells draw their statistics: a replay needs batch_tiles 1 (std::invalid_argument).
  void replay(std::vector<CellWork> recorded);
  const std::vector<CellWork>& record() const { return record_; }

  // DRAM transfers of a cell (the tiling model's plan for these statistics). A macro cell
  // (tiles > 1): its tiles' plans merged per stream (`s` unused: the tiles' own statistics).
  std::vector<Transfer> transfers(const Cell& c, const TileSelectionStats& s) const;

  // Key tiles of `block` the schedule visits, and sum over the cell's tiles of ceil(keys / group).
  std::uint32_t visited_tiles(std::uint32_t block) const;
  std::uint64_t key_groups(const Cell& c, std::uint32_t group) const;
  std::uint32_t batch_tiles() const { return perf_.batch_tiles; }

 private:
  struct HeadState;
  HeadState& head_state(std::uint32_t h);
  BlockState& block_state(const Cell& c);
  std::size_t cell_index(const Cell& c) const;
  void draw_statistics(const Cell& c, CellWork& w);
  // Batched performance mode: one tile's statistics (no state), a macro cell's sums, its plan.
  CellWork draw_tile(std::uint32_t block, std::uint32_t tile) const;
  CellWork draw_span(const Cell& c) const;
  std::uint32_t uniform_end(std::uint32_t block) const;  // tiles below it: full and all rows valid
  std::vector<Transfer> span_transfers(const Cell& c) const;
  std::uint32_t sort_steps(std::uint32_t keys, std::uint32_t budget) const;
  void build_batched_cells();

  CoreJob job_;
  CoreConfig core_;
  bool functional_;
  PerformanceWorkload perf_;
  TilingConfig tiling_;
  TrafficReport policy_;
  std::vector<Cell> cells_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> cell_pos_;  // (head, block) -> first

  // functional state
  MatI8 x_;
  std::vector<MatI16> q_, k_, v_, k_hat_;   // per head (q) / per K/V head
  std::vector<std::vector<char>> generated_;  // per K/V head: token's K/V rows exist
  std::map<std::uint32_t, std::unique_ptr<HeadState>> heads_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, BlockState> blocks_;
  std::vector<MatI8> wq_, wk_, wv_;
  // performance state: rows of each (K/V head, tile) generated so far
  std::vector<std::vector<std::uint32_t>> generated_rows_;
  std::vector<CellWork> replay_, record_;
  mutable std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> sort_steps_;  // (keys, budget)
  std::vector<BlockPartials> partials_;
};

}  // namespace star
