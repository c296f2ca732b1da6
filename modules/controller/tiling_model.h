// Cross-stage tiling (STAR-SPEC 2.4): the controller's schedule over query blocks (T queries) and
// key tiles (B_c keys, T_c = ceil(S / B_c)), and the byte accounting of the two flows it can drive:
//
//   coordinated     STAR: per query block, per key tile, DLZS predicts the tile's A_hat, SADS
//   consumes
//                   it on chip, the selected rows' K/V are produced on demand (RASS order, or the
//                   vanilla per-query gather with RASS off), SU-FA accumulates; at the end of the
//                   block the tile partials are combined and O is written. No intermediate matrix
//                   (A_hat, scores, probabilities) leaves the chip.
//   stage_isolated  each stage is its own pass over the layer and hands its result to the next
//                   through DRAM: A_hat, indices, scores and probabilities are stored and reloaded.
//
// docs/tiling.md describes the reuse policies and the accounting with a worked example; the rules
// are repeated next to the code in tiling_model.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/selection.h"

namespace star {

enum class Flow { coordinated, stage_isolated };
Flow parse_flow(const std::string& name);  // "coordinated" | "stage_isolated"
std::string to_string(Flow flow);

// full_layer: X (int8, S x d_model) and W_q, W_k, W_v (int8, d_model x d; W_k also in 4-bit LZ
// form)
//             are in DRAM; Q, K_hat and the selected tokens' K/V are computed on chip.
// attention_only: Q (n_queries x d), K and V (S x d), int16, are in DRAM (e.g. a KV cache).
enum class JobKind { full_layer, attention_only };
JobKind parse_job_kind(const std::string& name);  // "full_layer" | "attention_only"
std::string to_string(JobKind kind);

enum class Stage { predict, select, kvgen, formal, output };
constexpr std::size_t kStageCount = 5;
std::string to_string(Stage stage);

struct TilingConfig {
  std::uint32_t seq_len = 0;    // S keys
  std::uint32_t n_queries = 0;  // queries; they are the last n_queries of the S tokens (causal)
  std::uint32_t head_dim = 0;   // d
  std::uint32_t d_model = 0;    // full_layer only
  std::uint32_t block_queries = 128;  // T
  std::uint32_t tile_keys = 0;        // B_c
  // Key shard (Spatial-STAR kv_split): only tiles [tile_begin, tile_end) are visited; tile_end 0
  // means up to the last tile. Tiles, positions and causal masking stay the whole sequence's.
  std::uint32_t tile_begin = 0, tile_end = 0;
  JobKind kind = JobKind::full_layer;
  bool causal = false;
  bool rass = true;
  // full_layer: the queries are the n_queries tokens ending tokens_after_queries before the last
  // (0: the last n_queries tokens; must be 0 with causal masking).
  std::uint32_t tokens_after_queries = 0;
  // Coordinated flow: each cell's key-indexed rows arrive as the whole tile (B_c rows, read
  // contiguously) instead of a gather of the selected rows -- attention_only: the V tile;
  // full_layer: the X tile the K/V rows are generated from -- what a core fed by a multicast
  // stream of tiles shared with other cores sees (Spatial-STAR query_split_multicast).
  bool stream_kv_tiles = false;
  std::uint64_t token_buffer_bytes = 192 * 1024;
  std::uint64_t weight_buffer_bytes = 96 * 1024;
  std::uint64_t temp_buffer_bytes = 28 * 1024;

  KeyTiling key_tiling() const { return {seq_len, tile_keys}; }
  std::uint32_t n_tiles() const { return key_tiling().n_tiles(); }
  std::uint32_t first_tile() const { return tile_begin; }
  std::uint32_t end_tile() const { return tile_end ? tile_end : n_tiles(); }
  std::uint32_t n_blocks() const {
    return block_queries ? (n_queries + block_queries - 1) / block_queries : 0;
  }
  std::uint32_t block_size(std::uint32_t block) const;  // queries in the block (last may be short)
  // Causal masking: the tile is skipped for the block when every key in it lies after the last
  // query of the block. Tiles outside the key shard are never visited.
  bool visits(std::uint32_t block, std::uint32_t tile) const;
};

// Throws std::invalid_argument naming the bad field and its allowed range.
void validate(const TilingConfig& cfg);

// One step of the controller: run (query block, key tile) through the stages.
struct TileStep {
  std::uint32_t query_block = 0;
  std::uint32_t tile = 0;
  bool operator==(const TileStep& o) const {
    return query_block == o.query_block && tile == o.tile;
  }
};

// The order the controller issues tiles; causally skipped cells are left out.
// coordinated: block-major, the key tiles of one query block in ascending order (the block's Q and
// its SU-FA state stay on chip while the tiles stream past). stage_isolated: every pass (predict,
// select, QK^T, softmax, PV) sweeps the cells in that same order, because the row-wise softmax
// pass needs a block's complete rows and a shared order keeps the comparison about where the
// intermediates live, nothing else.
std::vector<TileStep> make_schedule(const TilingConfig& cfg, Flow flow);

// Selection statistics of one (query block, key tile) cell.
struct TileSelectionStats {
  std::uint32_t union_rows = 0;     // rows selected by at least one query of the block (RASS loads)
  std::uint64_t selected = 0;       // sum over the block's queries of their selected rows
  std::uint64_t vanilla_loads = 0;  // loads of the vanilla per-query gather through the K/V buffer
  std::uint32_t fresh_rows =
      0;  // union rows no earlier block (schedule order) selected in the tile
};
struct SelectionStats {
  std::uint32_t n_blocks = 0, n_tiles = 0;
  std::vector<TileSelectionStats> cells;  // [block * n_tiles + tile]; zero for skipped cells
  std::vector<std::uint32_t> tile_union;  // [tile]: rows of the tile selected by any query at all
  const TileSelectionStats& cell(std::uint32_t block, std::uint32_t tile) const {
    return cells[std::size_t{block} * n_tiles + tile];
  }
};

// rows: one selection per query (n_queries of them, T_c tiles each, keys inside their tile).
// Uses rass_plan for every visited cell. Throws std::invalid_argument on a shape mismatch, a key
// outside its tile, or a selected key in a causally skipped tile.
SelectionStats selection_stats(const std::vector<RowSelection>& rows, const TilingConfig& cfg,
                               std::uint32_t kv_buffer_rows);

struct Traffic {
  std::uint64_t dram_read = 0, dram_write = 0, sram_read = 0, sram_write = 0;
  Traffic& operator+=(const Traffic& o) {
    dram_read += o.dram_read;
    dram_write += o.dram_write;
    sram_read += o.sram_read;
    sram_write += o.sram_write;
    return *this;
  }
  std::uint64_t dram() const { return dram_read + dram_write; }
  bool operator==(const Traffic& o) const {
    return dram_read == o.dram_read && dram_write == o.dram_write && sram_read == o.sram_read &&
           sram_write == o.sram_write;
  }
};

// How K_hat (full_layer) or K (attention_only) of a tile is obtained on the second and later query
// blocks that visit it. The cheapest (fewest DRAM bytes) feasible policy is chosen per layer.
enum class KeyReuse {
  resident,   // the whole S x d K_hat / K stays in the token buffer after its first use
  spill,      // K_hat computed on the first visit, stored to DRAM, reloaded (K: simply reloaded)
  recompute,  // K_hat recomputed from the X tile on every visit (full_layer only)
};
std::string to_string(KeyReuse reuse);

// How a coordinated full_layer job gets the K/V rows of a cell. attention_only fetches the given
// K/V; stage_isolated generates each selected row once in its own K/V pass (reported: regenerate).
enum class KvReuse {
  regenerate,  // every gathered row's X row is fetched and its K/V generated (STAR's literal flow)
  spill,       // a row's K/V is generated the first time any block selects it and stored to DRAM;
               // later blocks reload the 4d bytes instead of the d_model-byte X row
};
std::string to_string(KvReuse reuse);

// Weights of a full_layer job, in the order of TrafficReport::weight_resident.
enum class Weight { w_q, lz_w_k, w_k, w_v };
constexpr std::size_t kWeightCount = 4;

struct TrafficReport {
  std::array<Traffic, kStageCount> per_stage;  // indexed by Stage
  KeyReuse key_reuse = KeyReuse::resident;
  KvReuse kv_reuse = KvReuse::regenerate;
  std::array<bool, kWeightCount> weight_resident{};  // loaded once vs streamed on every use
  // Facts of the selection that place per-layer transfers in cells (cell_transfers,
  // transfer_plan.h), filled by count_traffic:
  std::vector<std::uint8_t> score_loads;  // [block]: stage_isolated softmax loads of the block's
                                          // scores: 1, or 2 when they do not fit the token buffer
  std::vector<std::uint32_t> first_selecting_block;  // [tile]: first block selecting a row of
                                                     // the tile, n_blocks if none
  Traffic total() const;
  const Traffic& stage(Stage s) const { return per_stage[static_cast<std::size_t>(s)]; }
};

// Bytes moved per stage for the whole layer (one head). stats must come from selection_stats() on
// the same geometry. The DRAM bytes are the sum of cell_transfers() over make_schedule()'s cells
// (one source of truth); the SRAM side follows the rules in tiling_traffic.cpp.
TrafficReport count_traffic(const TilingConfig& cfg, Flow flow, const SelectionStats& stats);

}  // namespace star
