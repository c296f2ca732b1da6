// The DRAM transfers of one cell (transfer_plan.h). Every rule here is the DRAM half of a rule in
// tiling_traffic.cpp; count_traffic sums these transfers, so the two cannot drift apart.
//
// Where per-layer and per-block transfers land (schedule order is block-major, tiles ascending,
// and causal masking only drops a suffix of tiles from early blocks, so "first" and "last" visits
// are local tests):
//   - a tile's first visit is block 0 or a block whose predecessor skipped the tile; a later
//     visit follows when the next block visits it; the first tile (0, or a key shard's first)
//     is visited by every block that visits any tile;
//   - a block starts at the first tile and ends at its last visited tile (the next is skipped);
//   - a resident weight is loaded at the layer's first cell, in the stage that uses it; a
//     streamed one at each use. (A weight no cell uses is never chosen resident: streaming it
//     costs nothing.)
#include "controller/transfer_plan.h"

#include <limits>
#include <stdexcept>

namespace star {

std::string to_string(Operand operand) {
  static const char* const names[] = {
      "x",        "w_q",   "lz_w_k",  "w_k",    "w_v",           "q", "k",         "v", "k_hat",
      "kv_cache", "a_hat", "indices", "scores", "probabilities", "o", "sufa_state"};
  return names[static_cast<std::size_t>(operand)];
}

std::string to_string(Direction dir) { return dir == Direction::read ? "read" : "write"; }

void CellTransferList::push(const Transfer& t) {
  if (size_ == kCapacity)
    throw std::logic_error("CellTransferList: more than " + std::to_string(kCapacity) +
                           " transfers in one cell");
  items_[size_++] = t;
}

namespace {

using u64 = std::uint64_t;
using u32 = std::uint32_t;

class CellPlanner {
 public:
  CellPlanner(const TilingConfig& cfg, Flow flow, const TrafficReport& policy,
              const TileSelectionStats& cell, u32 block, u32 tile, CellTransferList& out)
      : cfg_(cfg),
        policy_(policy),
        c_(cell),
        b_(block),
        t_(tile),
        out_(out),
        kt_(cfg.key_tiling()),
        d2_(u64{cfg.head_dim} * 2),
        tb_(cfg.block_size(block)),
        q_first_(block * cfg.block_queries),
        full_(cfg.kind == JobKind::full_layer),
        isolated_(flow == Flow::stage_isolated) {}

  void run() {
    if (isolated_)
      stage_isolated();
    else
      coordinated();
  }

 private:
  // --- geometry of the cell ---
  bool first_cell() const { return block_starts() && first_visit_of_tile(); }
  bool block_starts() const { return t_ == cfg_.first_tile(); }
  bool block_ends() const { return !cfg_.visits(b_, t_ + 1); }
  bool first_visit_of_tile() const { return b_ == 0 || !cfg_.visits(b_ - 1, t_); }
  bool later_visit_follows() const { return cfg_.visits(b_ + 1, t_); }
  u64 gathered() const { return cfg_.rass ? u64{c_.union_rows} : c_.vanilla_loads; }
  u32 tile_first() const { return kt_.tile_first(t_); }
  u64 tile_len() const { return kt_.tile_len(t_); }
  u32 block_first_token() const {  // full_layer queries end tokens_after_queries before the last
    return cfg_.seq_len - cfg_.n_queries - cfg_.tokens_after_queries + q_first_;
  }
  u64 state_off_chip(u64 state) const {
    return state - std::min<u64>(state, cfg_.temp_buffer_bytes);
  }

  // --- emitting ---
  void add(Stage s, Direction dir, Operand op, u32 first_row, u64 rows, u64 bytes_per_row,
           bool gather = false) {
    constexpr u64 kMaxRows = std::numeric_limits<u32>::max();
    while (rows && bytes_per_row) {  // split counts beyond 32 bits (absurd cells only)
      const u64 n = std::min(rows, kMaxRows);
      Transfer t;
      t.stage = s;
      t.dir = dir;
      t.operand = op;
      t.first_row = gather ? 0 : first_row;
      t.rows = static_cast<u32>(n);
      t.bytes_per_row = bytes_per_row;
      t.gather = gather;
      t.pass = pass_;
      out_.push(t);
      rows -= n;
      first_row += static_cast<u32>(gather ? 0 : n);
    }
  }
  void read(Stage s, Operand op, u32 first_row, u64 rows, u64 bpr) {
    add(s, Direction::read, op, first_row, rows, bpr);
  }
  void write(Stage s, Operand op, u32 first_row, u64 rows, u64 bpr) {
    add(s, Direction::write, op, first_row, rows, bpr);
  }
  void gather(Stage s, Direction dir, Operand op, u64 rows, u64 bpr) {
    add(s, dir, op, 0, rows, bpr, true);
  }
  void packed(Stage s, Direction dir, Operand op, u64 entries) {  // 2 B per selected entry
    add(s, dir, op, 0, entries, 2);
  }

  // A weight use: streamed weights are fetched per use, resident ones once at the first cell.
  void weight_use(Weight w) {
    if (!policy_.weight_resident[static_cast<std::size_t>(w)]) load_weight(w);
  }
  void resident_weight(Weight w) {
    if (first_cell() && policy_.weight_resident[static_cast<std::size_t>(w)]) load_weight(w);
  }
  void load_weight(Weight w) {
    const u64 md = u64{cfg_.d_model} * cfg_.head_dim;
    switch (w) {
      case Weight::w_q:
        read(Stage::kvgen, Operand::w_q, 0, cfg_.d_model, cfg_.head_dim);
        break;
      case Weight::lz_w_k:
        read(Stage::predict, Operand::lz_w_k, 0, 1, (md + 1) / 2);
        break;
      case Weight::w_k:
        read(Stage::kvgen, Operand::w_k, 0, cfg_.d_model, cfg_.head_dim);
        break;
      case Weight::w_v:
        read(Stage::kvgen, Operand::w_v, 0, cfg_.d_model, cfg_.head_dim);
        break;
    }
  }

  // --- shared steps ---
  void exact_q() {  // full_layer: X_b fetched, Q_b = X_b W_q
    resident_weight(Weight::w_q);
    weight_use(Weight::w_q);
    read(Stage::kvgen, Operand::x, block_first_token(), tb_, cfg_.d_model);
  }

  // K_hat (full_layer) or K (attention_only) of the tile for the predictor.
  void key_tile() {
    const bool first = first_visit_of_tile();
    const KeyReuse reuse = policy_.key_reuse;
    if (full_) resident_weight(Weight::lz_w_k);
    auto compute = [&] {
      weight_use(Weight::lz_w_k);
      read(Stage::predict, Operand::x, tile_first(), tile_len(), cfg_.d_model);
    };
    if (!full_) {
      if (first || reuse != KeyReuse::resident)
        read(Stage::predict, Operand::k, tile_first(), tile_len(), d2_);
    } else if (reuse == KeyReuse::recompute) {
      compute();
    } else if (first) {
      compute();
      if (reuse == KeyReuse::spill && later_visit_follows())
        write(Stage::predict, Operand::k_hat, tile_first(), tile_len(), d2_);
    } else if (reuse == KeyReuse::spill) {
      read(Stage::predict, Operand::k_hat, tile_first(), tile_len(), d2_);
    }
  }

  void finish_block(u64 state) {  // combine (off-chip state read), O written
    const u64 off = state_off_chip(state);
    if (off) read(Stage::output, Operand::sufa_state, 0, 1, off);
    // O leaves SU-FA unrounded: binary32, 4 bytes per value.
    write(Stage::output, Operand::o, q_first_, tb_, u64{cfg_.head_dim} * 4);
  }

  void update_state(u64 state) {
    const u64 off = state_off_chip(state);
    if (!off) return;
    read(Stage::formal, Operand::sufa_state, 0, 1, off);
    write(Stage::formal, Operand::sufa_state, 0, 1, off);
  }

  // --- the flows ---
  void coordinated() {
    const u64 state = u64{tb_} * (cfg_.head_dim + 2) * 2;
    if (block_starts()) {
      if (full_)
        exact_q();
      else
        read(Stage::predict, Operand::q, q_first_, tb_, d2_);
    }
    key_tile();
    const u64 rows = gathered();
    if (full_) {
      const bool spill = policy_.kv_reuse == KvReuse::spill;
      const u64 generate = spill ? c_.fresh_rows : rows, kv_row = 2 * d2_;
      resident_weight(Weight::w_k);
      resident_weight(Weight::w_v);
      if (generate) weight_use(Weight::w_k), weight_use(Weight::w_v);
      if (cfg_.stream_kv_tiles)  // the whole X tile arrives (a multicast stream)
        read(Stage::kvgen, Operand::x, tile_first(), tile_len(), cfg_.d_model);
      else
        gather(Stage::kvgen, Direction::read, Operand::x, generate, cfg_.d_model);
      if (spill) {
        // Stored when something may reload it: a later block, or this cell's own vanilla gather
        // re-missing a row (conservatively all fresh rows then; RASS loads a row once).
        if (later_visit_follows() || (!cfg_.rass && rows > generate))
          gather(Stage::kvgen, Direction::write, Operand::kv_cache, generate, kv_row);
        gather(Stage::kvgen, Direction::read, Operand::kv_cache, rows - generate, kv_row);
      }
    } else {
      const bool k_tile_stays =
          policy_.key_reuse == KeyReuse::resident ||
          u64{cfg_.block_queries} * d2_ + u64{cfg_.tile_keys} * d2_ <= cfg_.token_buffer_bytes;
      if (cfg_.stream_kv_tiles) {  // whole tiles, contiguous (a multicast stream)
        if (!k_tile_stays) read(Stage::kvgen, Operand::k, tile_first(), tile_len(), d2_);
        read(Stage::kvgen, Operand::v, tile_first(), tile_len(), d2_);
      } else {
        if (!k_tile_stays) gather(Stage::kvgen, Direction::read, Operand::k, rows, d2_);
        gather(Stage::kvgen, Direction::read, Operand::v, rows, d2_);
      }
    }
    update_state(state);
    if (block_ends()) finish_block(state);
  }

  void stage_isolated() {
    const u64 sel = c_.selected;
    if (full_ && block_starts()) {  // pass 1: Q = X W_q, stored
      pass_ = 1;
      exact_q();
      write(Stage::kvgen, Operand::q, q_first_, tb_, d2_);
    }
    pass_ = 2;  // prediction: Q_b reloaded, K_hat / K, A_hat stored
    if (block_starts()) read(Stage::predict, Operand::q, q_first_, tb_, d2_);
    key_tile();
    write(Stage::predict, Operand::a_hat, q_first_, tb_, 2 * tile_len());
    pass_ = 3;  // top-k: A_hat loaded, indices stored
    read(Stage::select, Operand::a_hat, q_first_, tb_, 2 * tile_len());
    packed(Stage::select, Direction::write, Operand::indices, sel);
    if (full_) {  // pass 4: K/V of the rows this block selects first, generated once and stored
      pass_ = 4;
      resident_weight(Weight::w_k);
      resident_weight(Weight::w_v);
      if (policy_.first_selecting_block[t_] == b_)  // one use per tile with selected rows
        weight_use(Weight::w_k), weight_use(Weight::w_v);
      packed(Stage::kvgen, Direction::read, Operand::indices, sel);  // -> needed-row mask
      gather(Stage::kvgen, Direction::read, Operand::x, c_.fresh_rows, cfg_.d_model);
      gather(Stage::kvgen, Direction::write, Operand::k, c_.fresh_rows, d2_);
      gather(Stage::kvgen, Direction::write, Operand::v, c_.fresh_rows, d2_);
    }
    pass_ = 5;  // QK^T: Q_b, indices and K rows loaded, scores stored
    if (block_starts()) read(Stage::formal, Operand::q, q_first_, tb_, d2_);
    packed(Stage::formal, Direction::read, Operand::indices, sel);
    gather(Stage::kvgen, Direction::read, Operand::k, gathered(), d2_);
    packed(Stage::formal, Direction::write, Operand::scores, sel);
    pass_ = 6;  // softmax over the block's rows: each cell's scores loaded once, or twice when
                // the block's scores do not fit (policy); its probabilities stored
    for (int i = 0; i < policy_.score_loads[b_]; ++i)
      packed(Stage::formal, Direction::read, Operand::scores, sel);
    packed(Stage::formal, Direction::write, Operand::probabilities, sel);
    pass_ = 7;  // PV: probabilities, indices and V rows loaded, o accumulated; O at the block end
    packed(Stage::formal, Direction::read, Operand::probabilities, sel);
    packed(Stage::formal, Direction::read, Operand::indices, sel);
    gather(Stage::kvgen, Direction::read, Operand::v, gathered(), d2_);
    const u64 state = u64{tb_} * d2_;
    update_state(state);
    if (block_ends()) finish_block(state);
  }

  const TilingConfig& cfg_;
  const TrafficReport& policy_;
  const TileSelectionStats& c_;
  u32 b_, t_;
  CellTransferList& out_;
  KeyTiling kt_;
  u64 d2_;  // bytes of one 16-bit row of head_dim values
  u32 tb_, q_first_;
  bool full_, isolated_;
  std::uint8_t pass_ = 0;
};

}  // namespace

void append_cell_transfers(const TilingConfig& cfg, Flow flow, const TrafficReport& policy,
                           const TileSelectionStats& cell, std::uint32_t block, std::uint32_t tile,
                           CellTransferList& out) {
  CellPlanner(cfg, flow, policy, cell, block, tile, out).run();
}

std::vector<Transfer> cell_transfers(const TilingConfig& cfg, Flow flow,
                                     const TrafficReport& policy, const TileSelectionStats& cell,
                                     std::uint32_t block, std::uint32_t tile) {
  validate(cfg);
  auto where = [&] {  // built only for an error message
    return "cell_transfers: block " + std::to_string(block) + ", tile " + std::to_string(tile);
  };
  if (!cfg.visits(block, tile))
    throw std::invalid_argument(where() + " is not in the schedule (" +
                                std::to_string(cfg.n_blocks()) + " blocks x " +
                                std::to_string(cfg.n_tiles()) + " tiles, causal skips)");
  if (policy.score_loads.size() != cfg.n_blocks() ||
      policy.first_selecting_block.size() != cfg.n_tiles())
    throw std::invalid_argument(where() + ": the policy report is for " +
                                std::to_string(policy.score_loads.size()) + " blocks x " +
                                std::to_string(policy.first_selecting_block.size()) +
                                " tiles; use count_traffic's report for this config");
  const std::uint64_t len = cfg.key_tiling().tile_len(tile);
  if (cell.union_rows > len || cell.fresh_rows > cell.union_rows ||
      cell.selected > len * cfg.block_size(block) || cell.vanilla_loads > cell.selected ||
      cell.vanilla_loads < cell.union_rows)
    throw std::invalid_argument(where() + ": inconsistent selection stats for the cell");
  if (policy.key_reuse == KeyReuse::recompute && cfg.kind != JobKind::full_layer)
    throw std::invalid_argument(where() + ": K recompute needs a full_layer job");
  CellTransferList list;
  append_cell_transfers(cfg, flow, policy, cell, block, tile, list);
  return {list.begin(), list.end()};
}

}  // namespace star
