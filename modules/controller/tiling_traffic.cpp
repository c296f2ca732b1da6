// Byte accounting of the two flows (count_traffic, declared in tiling_model.h). docs/tiling.md
// walks through a worked example.
//
// One source of truth for DRAM: the DRAM bytes are the sum of the cells' transfers
// (append_cell_transfers, transfer_plan.cpp), and so is the SRAM traffic a DRAM transfer implies
// (a DRAM read lands in a buffer: SRAM write; a DRAM write leaves one: SRAM read; the off-chip
// SU-FA state moves DRAM-only). The code below adds the on-chip rest: each use of a fetched
// operand, produced results and their consumers.
//
// Element sizes: X and W 1 B; LZ(W_k) 4 bits (ceil(d_model*d/2) B per matrix); Q, K, V, K_hat,
// A_hat, scores, probabilities, O 2 B; a selected-key index 2 B (16-bit key offsets, enough for
// S <= 65536 per head; the accounting keeps 2 B for longer sequences too).
//
// SRAM rules, applied uniformly:
//   fetch    a DRAM read lands in an on-chip buffer (SRAM write) and is read from it by its
//            consumer (one SRAM read per use);
//   produce  an engine writes its result into a buffer (SRAM write); each consumer reads it;
//   store    a result leaves for DRAM through a buffer read (SRAM read + DRAM write).
// Traffic is charged to the stage that consumes a fetched operand or produces a result. The stages:
//   predict  Q's LZ5 encoding, K_hat (full_layer) or K tile (attention_only), A_hat;
//   select   SADS: reads A_hat, writes the selected indices;
//   kvgen    exact Q (full_layer), and putting the selected rows' K/V on chip: generating them
//            from fetched X rows (full_layer) or fetching them (attention_only, stage_isolated);
//   formal   SU-FA (QK^T, exp, PV and its running state) or the isolated QK^T/softmax/PV passes;
//   output   final combine/normalise and the O write.
//
// Capacity and reuse policy (what does not fit is re-fetched, and counted):
//   - token buffer: holds the current query block's Q (validate() requires it to fit). K/V rows and
//     X rows stream through it. If, besides Q, the whole S x d K_hat (or K) fits, it stays resident
//     after each tile's first visit; otherwise each later visit of a tile either reloads a spilled
//     K_hat (2 B x B_c x d) or recomputes it from the X tile (B_c x d_model B, plus LZ(W_k) if that
//     is not resident). The policy with fewer DRAM bytes wins (it depends on d_model vs 2d).
//   - attention_only, coordinated: the K tile fetched for prediction stays on chip for the cell
//     when Q plus one K tile fits the token buffer, so only V rows are fetched for SU-FA.
//   - full_layer K/V rows (coordinated): either regenerated from the X row (d_model B) on every
//     gather, the literal STAR dataflow, or generated the first time any block selects the row,
//     stored (4d B) and reloaded by later blocks; the cheaper wins (spill when d_model > 4d,
//     about).
//   - weight buffer: each weight matrix is either resident (loaded once) or streamed on each use;
//     the subset of resident weights that fits and minimises DRAM bytes is chosen (16 subsets).
//     Uses: W_q once per block; LZ(W_k) once per K_hat computation; W_k and W_v once per cell
//     with rows to generate (coordinated) or per tile (stage_isolated's separate K/V pass).
//     (A weight's residency changes only its own loads, so the 16 subsets are priced from one
//     all-streamed count per K and K/V policy: at most 5 passes over the cells per layer.)
//   - temp buffer: SU-FA's running state per query (o: d x 2 B, m and l: 2 B each; stage_isolated's
//     PV pass keeps only o). It is read and written once per visited tile; the part that does not
//     fit lives in DRAM and moves DRAM-only (read + write per tile, and one read at the end).
//   - stage_isolated softmax: reads a block's scores once when they fit the token buffer, otherwise
//     twice (online max/sum, then normalise).
//   - vanilla gather (RASS off): rows are loaded per query through the K/V buffer (see rass_plan),
//     and every query lane reads its own rows; with RASS each union row is loaded and read once and
//     broadcast to its sharers.
#include <limits>
#include <stdexcept>

#include "controller/tiling_model.h"
#include "controller/transfer_plan.h"

namespace star {
namespace {

using u64 = std::uint64_t;

// The on-chip side of the rules, plus transfer() for the DRAM transfers and the buffer write or
// read each implies. fetch() charges only the reads of an operand a transfer brought in.
class Ledger {
 public:
  Traffic& at(Stage s) { return stage_[static_cast<std::size_t>(s)]; }
  void transfer(const Transfer& t) {
    Traffic& x = at(t.stage);
    const u64 bytes = t.bytes();
    const bool through_sram = t.operand != Operand::sufa_state;
    if (t.dir == Direction::read) {
      x.dram_read += bytes;
      if (through_sram) x.sram_write += bytes;
      if (t.operand >= Operand::w_q && t.operand <= Operand::w_v)  // Weight order
        weight_dram_[static_cast<std::size_t>(t.operand) -
                     static_cast<std::size_t>(Operand::w_q)] += bytes;
    } else {
      x.dram_write += bytes;
      if (through_sram) x.sram_read += bytes;
    }
  }
  void fetch(Stage s, u64 bytes, u64 reads) { at(s).sram_read += bytes * reads; }
  void produce(Stage s, u64 bytes) { at(s).sram_write += bytes; }
  void read(Stage s, u64 bytes) { at(s).sram_read += bytes; }
  // SU-FA / PV running state: on-chip part read-modify-written, the rest round-trips DRAM.
  void update_state(Stage s, u64 bytes, u64 on_chip_capacity) {
    const u64 on = std::min(bytes, on_chip_capacity);
    at(s).sram_read += on;
    at(s).sram_write += on;
  }
  void finish_state(Stage s, u64 bytes, u64 on_chip_capacity) {
    at(s).sram_read += std::min(bytes, on_chip_capacity);
  }
  const std::array<Traffic, kStageCount>& stages() const { return stage_; }
  const std::array<u64, kWeightCount>& weight_dram() const { return weight_dram_; }

 private:
  std::array<Traffic, kStageCount> stage_{};
  std::array<u64, kWeightCount> weight_dram_{};  // DRAM bytes of each weight's loads
};

class FlowCounter {
 public:
  // plan: a candidate policy (key_reuse, kv_reuse, weight_resident and the layer facts).
  FlowCounter(const TilingConfig& cfg, Flow flow, const SelectionStats& st,
              const TrafficReport& plan)
      : cfg_(cfg),
        flow_(flow),
        st_(st),
        plan_(plan),
        kt_(cfg.key_tiling()),
        d2_(u64{cfg.head_dim} * 2) {
    const u64 md = u64{cfg.d_model} * cfg.head_dim;
    weight_bytes_ = {md, (md + 1) / 2, md, md};
    seen_per_tile_.assign(st.n_tiles, 0);
  }

  std::array<Traffic, kStageCount> run() {
    if (flow_ == Flow::coordinated)
      coordinated();
    else
      stage_isolated();
    charge_weights();
    CellTransferList list;  // DRAM: the transfers of every visited cell, in schedule order
    for (std::uint32_t b = 0; b < st_.n_blocks; ++b)
      for (std::uint32_t t = cfg_.first_tile(); t < st_.n_tiles && cfg_.visits(b, t); ++t) {
        list.clear();
        append_cell_transfers(cfg_, flow_, plan_, cell(b, t), b, t, list);
        for (const Transfer& x : list) ledger_.transfer(x);
      }
    return ledger_.stages();
  }
  const std::array<u64, kWeightCount>& weight_dram() const { return ledger_.weight_dram(); }

 private:
  bool full() const { return cfg_.kind == JobKind::full_layer; }
  const TileSelectionStats& cell(std::uint32_t b, std::uint32_t t) const { return st_.cell(b, t); }
  u64 gathered(const TileSelectionStats& c) const {
    return cfg_.rass ? c.union_rows : c.vanilla_loads;
  }
  u64 lane_reads(const TileSelectionStats& c) const {
    return cfg_.rass ? c.union_rows : c.selected;
  }
  void use_weight(Weight w) { ++uses_[static_cast<std::size_t>(w)]; }

  // K_hat (full_layer) or K (attention_only) of tile t for one visit, read once by the predictor.
  // A fetched K, a spilled or reloaded K_hat: transfers only. K_hat computed (first visit, or
  // every visit with recompute): the X tile is read and K_hat produced.
  void key_tile(std::uint32_t t) {
    const u64 rows = kt_.tile_len(t), bytes = rows * d2_;
    const bool first = seen_per_tile_[t]++ == 0;
    if (full() && (first || plan_.key_reuse == KeyReuse::recompute)) {
      ledger_.fetch(Stage::predict, rows * cfg_.d_model, 1);  // X tile
      use_weight(Weight::lz_w_k);
      ledger_.produce(Stage::predict, bytes);
    }
    ledger_.read(Stage::predict, bytes);
  }

  void exact_q(u64 tb) {  // full_layer: Q_b = X_b W_q on the K/V generation unit
    ledger_.fetch(Stage::kvgen, tb * cfg_.d_model, 1);
    use_weight(Weight::w_q);
    ledger_.produce(Stage::kvgen, tb * d2_);
  }

  void output(u64 tb, u64 state_bytes) {
    ledger_.finish_state(Stage::output, state_bytes, cfg_.temp_buffer_bytes);
    ledger_.produce(Stage::output, tb * u64{cfg_.head_dim} * 4);  // binary32 O, then stored
  }

  void coordinated() {
    for (std::uint32_t b = 0; b < st_.n_blocks; ++b) {
      const u64 tb = cfg_.block_size(b), state = tb * (cfg_.head_dim + 2) * 2;
      if (full()) exact_q(tb);  // attention_only: Q_b fetched; each use below reads it
      for (std::uint32_t t = 0; t < st_.n_tiles; ++t) {
        if (!cfg_.visits(b, t)) continue;
        const TileSelectionStats& c = cell(b, t);
        const u64 a_hat = tb * kt_.tile_len(t) * 2, idx = c.selected * 2, rows = gathered(c);
        key_tile(t);
        ledger_.read(Stage::predict, tb * d2_);  // Q_b through the LZ5 encoders
        ledger_.produce(Stage::predict, a_hat);
        ledger_.read(Stage::select, a_hat);
        ledger_.produce(Stage::select, idx);
        ledger_.read(Stage::kvgen, idx);  // the controller's ID buffer / gather list
        if (full()) {
          const bool spill = plan_.kv_reuse == KvReuse::spill;
          const u64 generate = spill ? c.fresh_rows : rows, kv_row = 2 * d2_;
          ledger_.fetch(Stage::kvgen, generate * cfg_.d_model, 1);  // selected X rows, RASS order
          if (generate) use_weight(Weight::w_k), use_weight(Weight::w_v);
          ledger_.produce(Stage::kvgen, generate * kv_row);
          // spill: the fresh rows' K/V stored, the others reloaded (transfers); SU-FA reads them
        }  // attention_only: V (and K, unless the K tile stayed) rows fetched, read by SU-FA

        ledger_.read(Stage::formal, tb * d2_ + lane_reads(c) * 2 * d2_);  // Q_b, K and V rows
        ledger_.update_state(Stage::formal, state, cfg_.temp_buffer_bytes);
      }
      output(tb, state);
    }
  }

  void stage_isolated() {
    if (full()) {  // pass 1: Q = X W_q for every block, stored
      for (std::uint32_t b = 0; b < st_.n_blocks; ++b) exact_q(cfg_.block_size(b));
    }
    for (std::uint32_t b = 0; b < st_.n_blocks; ++b) {  // pass 2: prediction, A_hat stored
      const u64 tb = cfg_.block_size(b);                // Q_b reloaded, read per cell
      for (std::uint32_t t = 0; t < st_.n_tiles; ++t) {
        if (!cfg_.visits(b, t)) continue;
        const u64 a_hat = tb * kt_.tile_len(t) * 2;
        key_tile(t);
        ledger_.read(Stage::predict, tb * d2_);
        ledger_.produce(Stage::predict, a_hat);
      }
    }
    std::vector<u64> tile_selected(st_.n_tiles, 0);
    for (std::uint32_t b = 0; b < st_.n_blocks; ++b)  // pass 3: top-k, indices stored
      for (std::uint32_t t = 0; t < st_.n_tiles; ++t) {
        if (!cfg_.visits(b, t)) continue;
        const u64 a_hat = u64{cfg_.block_size(b)} * kt_.tile_len(t) * 2,
                  idx = cell(b, t).selected * 2;
        ledger_.fetch(Stage::select, a_hat, 1);
        ledger_.produce(Stage::select, idx);
        tile_selected[t] += idx;
      }
    if (full()) {  // pass 4: K/V of every selected token, generated once and stored
      for (std::uint32_t t = 0; t < st_.n_tiles; ++t) {
        const u64 rows = st_.tile_union[t];
        if (!rows) continue;
        ledger_.fetch(Stage::kvgen, tile_selected[t], 1);  // indices -> needed-row mask
        ledger_.fetch(Stage::kvgen, rows * cfg_.d_model, 1);
        use_weight(Weight::w_k), use_weight(Weight::w_v);
        ledger_.produce(Stage::kvgen, rows * 2 * d2_);
      }
    }
    for (std::uint32_t b = 0; b < st_.n_blocks; ++b) {  // passes 5-7 per block: QK^T, softmax, PV
      const u64 tb = cfg_.block_size(b), state = tb * d2_;
      u64 scores = 0;  // Q_b reloaded, read per cell
      for (std::uint32_t t = 0; t < st_.n_tiles; ++t) {
        if (!cfg_.visits(b, t)) continue;
        const TileSelectionStats& c = cell(b, t);
        ledger_.fetch(Stage::formal, c.selected * 2, 1);              // indices
        ledger_.read(Stage::formal, tb * d2_ + lane_reads(c) * d2_);  // Q_b, gathered K rows
        ledger_.produce(Stage::formal, c.selected * 2);
        scores += c.selected * 2;
      }
      const u64 passes = scores <= cfg_.token_buffer_bytes ? 1 : 2;
      ledger_.fetch(Stage::formal, scores * passes, 1);
      ledger_.produce(Stage::formal, scores);
      for (std::uint32_t t = 0; t < st_.n_tiles; ++t) {
        if (!cfg_.visits(b, t)) continue;
        const TileSelectionStats& c = cell(b, t);
        ledger_.fetch(Stage::formal, c.selected * 2 * 2, 1);  // probabilities and indices
        ledger_.read(Stage::formal, lane_reads(c) * d2_);     // gathered V rows
        ledger_.update_state(Stage::formal, state, cfg_.temp_buffer_bytes);
      }
      output(tb, state);
    }
  }

  // Weights: each use reads them once (resident ones are fetched once, streamed ones per use: the
  // transfers).
  void charge_weights() {
    if (!full()) return;
    const Stage stage[kWeightCount] = {Stage::kvgen, Stage::predict, Stage::kvgen, Stage::kvgen};
    for (std::size_t w = 0; w < kWeightCount; ++w) {
      if (!uses_[w]) continue;
      ledger_.read(stage[w], weight_bytes_[w] * uses_[w]);
    }
  }

  const TilingConfig& cfg_;
  Flow flow_;
  const SelectionStats& st_;
  const TrafficReport& plan_;
  KeyTiling kt_;
  u64 d2_;  // bytes of one 16-bit row of head_dim values
  std::array<u64, kWeightCount> weight_bytes_{};
  std::array<u64, kWeightCount> uses_{};
  std::vector<std::uint32_t> seen_per_tile_;
  Ledger ledger_;
};

}  // namespace

TrafficReport count_traffic(const TilingConfig& cfg, Flow flow, const SelectionStats& stats) {
  validate(cfg);
  if (stats.n_blocks != cfg.n_blocks() || stats.n_tiles != cfg.n_tiles() ||
      stats.cells.size() != std::size_t{stats.n_blocks} * stats.n_tiles ||
      stats.tile_union.size() != stats.n_tiles)
    throw std::invalid_argument(
        "count_traffic: selection stats are for " + std::to_string(stats.n_blocks) + " blocks x " +
        std::to_string(stats.n_tiles) + " tiles, the config has " + std::to_string(cfg.n_blocks()) +
        " x " + std::to_string(cfg.n_tiles()));
  const KeyTiling kt = cfg.key_tiling();
  for (std::uint32_t b = 0; b < stats.n_blocks; ++b)
    for (std::uint32_t t = 0; t < stats.n_tiles; ++t) {
      const TileSelectionStats& c = stats.cell(b, t);
      const bool visited = cfg.visits(b, t);
      const bool consistent = c.union_rows <= kt.tile_len(t) && c.union_rows <= c.selected &&
                              c.selected <= std::uint64_t{kt.tile_len(t)} * cfg.block_size(b) &&
                              c.vanilla_loads >= c.union_rows && c.vanilla_loads <= c.selected &&
                              c.fresh_rows <= c.union_rows && (visited || c.selected == 0) &&
                              (c.union_rows == 0) == (c.selected == 0);
      if (!consistent)
        throw std::invalid_argument("count_traffic: inconsistent selection stats for block " +
                                    std::to_string(b) + ", tile " + std::to_string(t) +
                                    (visited ? "" : " (causally skipped, must be empty)"));
    }
  for (std::uint32_t t = 0; t < stats.n_tiles; ++t)
    if (stats.tile_union[t] > kt.tile_len(t))
      throw std::invalid_argument("count_traffic: tile_union of tile " + std::to_string(t) +
                                  " exceeds its " + std::to_string(kt.tile_len(t)) + " keys");
  // Every selected row of a tile is fresh in exactly one cell (stage_isolated generates the K/V
  // of a tile's rows in the cells that select them first).
  for (std::uint32_t t = 0; t < stats.n_tiles; ++t) {
    std::uint64_t fresh = 0, selected = 0;
    for (std::uint32_t b = 0; b < stats.n_blocks; ++b)
      fresh += stats.cell(b, t).fresh_rows, selected += stats.cell(b, t).selected;
    if (fresh != stats.tile_union[t] || (selected == 0) != (fresh == 0))
      throw std::invalid_argument("count_traffic: tile_union of tile " + std::to_string(t) + " (" +
                                  std::to_string(stats.tile_union[t]) +
                                  ") differs from its cells' fresh rows (" + std::to_string(fresh) +
                                  ")");
  }
  const bool full = cfg.kind == JobKind::full_layer;
  // The keys the job visits (a key shard's only) must fit next to a query block to stay resident.
  const KeyTiling shard_tiling = cfg.key_tiling();
  const std::uint64_t shard_keys = std::uint64_t{shard_tiling.tile_first(cfg.end_tile() - 1)} +
                                   shard_tiling.tile_len(cfg.end_tile() - 1) -
                                   shard_tiling.tile_first(cfg.first_tile());
  const std::uint64_t key_cache = shard_keys * cfg.head_dim * 2;
  const std::uint64_t q_block = std::uint64_t{cfg.block_queries} * cfg.head_dim * 2;
  const std::uint64_t md = std::uint64_t{cfg.d_model} * cfg.head_dim;
  const std::uint64_t weight_bytes[kWeightCount] = {md, (md + 1) / 2, md, md};

  // Every feasible plan is counted and the one with the fewest DRAM bytes kept (ties: the first in
  // this order: K reuse resident, spill, recompute; K/V regenerate, spill; resident-weight masks
  // from all four down). stage_isolated always generates K/V once in its own pass.
  TrafficReport plan, best;  // plan: the candidate policy with the layer facts of the selection
  plan.score_loads.assign(stats.n_blocks, 1);
  plan.first_selecting_block.assign(stats.n_tiles, stats.n_blocks);
  for (std::uint32_t b = 0; b < stats.n_blocks; ++b) {
    std::uint64_t scores = 0;  // bytes of the block's scores
    for (std::uint32_t t = 0; t < stats.n_tiles; ++t) {
      const TileSelectionStats& c = stats.cell(b, t);
      scores += c.selected * 2;
      if (c.selected && plan.first_selecting_block[t] == stats.n_blocks)
        plan.first_selecting_block[t] = b;
    }
    plan.score_loads[b] = scores <= cfg.token_buffer_bytes ? 1 : 2;
  }
  // Weight residency changes only the weight loads (a resident weight: one load at the first
  // cell; a streamed one: one per use), so each K / K/V policy is counted once with every weight
  // streamed and the 16 residency subsets are priced from its weight loads. The chosen plan is
  // then counted for real: the report is the sum of its cells' transfers.
  std::uint64_t best_dram = std::numeric_limits<std::uint64_t>::max();
  bool best_counted = false;
  for (KeyReuse reuse : {KeyReuse::resident, KeyReuse::spill, KeyReuse::recompute}) {
    if (reuse == KeyReuse::resident && q_block + key_cache > cfg.token_buffer_bytes) continue;
    if (reuse == KeyReuse::recompute && !full) continue;
    for (KvReuse kv : {KvReuse::regenerate, KvReuse::spill}) {
      if (kv == KvReuse::spill && (!full || flow == Flow::stage_isolated)) continue;
      plan.key_reuse = reuse;
      plan.kv_reuse = kv;
      plan.weight_resident = {};
      FlowCounter streamed(cfg, flow, stats, plan);
      plan.per_stage = streamed.run();  // = the plan with no resident weight (mask 0)
      const std::array<std::uint64_t, kWeightCount> loads = streamed.weight_dram();
      std::uint64_t other = plan.total().dram();
      for (std::uint64_t l : loads) other -= l;
      for (int mask = full ? (1 << kWeightCount) - 1 : 0; mask >= 0; --mask) {
        std::uint64_t resident_bytes = 0, dram = other;
        for (std::size_t w = 0; w < kWeightCount; ++w) {
          const bool resident = (mask >> w) & 1;
          resident_bytes += resident ? weight_bytes[w] : 0;
          dram += resident ? weight_bytes[w] : loads[w];
        }
        if (resident_bytes > cfg.weight_buffer_bytes || dram >= best_dram) continue;
        best_dram = dram;
        best.key_reuse = reuse;
        best.kv_reuse = kv;
        for (std::size_t w = 0; w < kWeightCount; ++w) best.weight_resident[w] = (mask >> w) & 1;
        if (mask == 0) best.per_stage = plan.per_stage;  // counted already
        best_counted = mask == 0;
      }
    }
  }
  plan.key_reuse = best.key_reuse;
  plan.kv_reuse = best.kv_reuse;
  plan.weight_resident = best.weight_resident;
  plan.per_stage = best_counted ? best.per_stage : FlowCounter(cfg, flow, stats, plan).run();
  if (plan.total().dram() != best_dram)
    throw std::logic_error("count_traffic: the chosen plan moves " +
                           std::to_string(plan.total().dram()) + " DRAM bytes, priced at " +
                           std::to_string(best_dram));
  return plan;
}

}  // namespace star
