#include "controller/tiling_model.h"

#include <algorithm>
#include <stdexcept>

#include "controller/rass_model.h"

namespace star {

// ---------------------------------------------------------------------------------------------
// Names and configuration
// ---------------------------------------------------------------------------------------------

Flow parse_flow(const std::string& name) {
  if (name == "coordinated") return Flow::coordinated;
  if (name == "stage_isolated") return Flow::stage_isolated;
  throw std::invalid_argument("unknown flow '" + name + "' (allowed: coordinated, stage_isolated)");
}
std::string to_string(Flow flow) {
  return flow == Flow::coordinated ? "coordinated" : "stage_isolated";
}

JobKind parse_job_kind(const std::string& name) {
  if (name == "full_layer") return JobKind::full_layer;
  if (name == "attention_only") return JobKind::attention_only;
  throw std::invalid_argument("unknown job kind '" + name +
                              "' (allowed: full_layer, attention_only)");
}
std::string to_string(JobKind kind) {
  return kind == JobKind::full_layer ? "full_layer" : "attention_only";
}

std::string to_string(Stage stage) {
  static const char* const names[] = {"predict", "select", "kvgen", "formal", "output"};
  return names[static_cast<std::size_t>(stage)];
}

std::string to_string(KeyReuse reuse) {
  static const char* const names[] = {"resident", "spill", "recompute"};
  return names[static_cast<std::size_t>(reuse)];
}

std::string to_string(KvReuse reuse) {
  return reuse == KvReuse::regenerate ? "regenerate" : "spill";
}

std::uint32_t TilingConfig::block_size(std::uint32_t block) const {
  const std::uint64_t first = std::uint64_t{block} * block_queries;
  return first >= n_queries ? 0
                            : static_cast<std::uint32_t>(
                                  std::min<std::uint64_t>(block_queries, n_queries - first));
}

bool TilingConfig::visits(std::uint32_t block, std::uint32_t tile) const {
  if (block >= n_blocks() || tile < tile_begin || tile >= end_tile()) return false;
  if (!causal) return true;
  // Query q sits at position (seq_len - n_queries) + q: the queries are the sequence's last tokens.
  const std::uint64_t last_query = std::uint64_t{block} * block_queries + block_size(block) - 1;
  const std::uint64_t last_position = std::uint64_t{seq_len} - n_queries + last_query;
  return key_tiling().tile_first(tile) <= last_position;
}

namespace {
// hi_name names the upper bound; one ending in '=' is followed by its value ("seq_len=8"). The
// message is only built on failure: validate() runs once per cell_transfers call.
void require_range(const char* field, std::uint64_t value, std::uint64_t lo, std::uint64_t hi,
                   const char* hi_name = nullptr) {
  if (value >= lo && value <= hi) return;
  std::string bound = hi_name ? hi_name : std::to_string(hi);
  if (!bound.empty() && bound.back() == '=') bound += std::to_string(hi);
  throw std::invalid_argument("tiling: " + std::string(field) + " must be in [" +
                              std::to_string(lo) + ", " + bound + "], got " +
                              std::to_string(value));
}
}  // namespace

void validate(const TilingConfig& cfg) {
  require_range("seq_len", cfg.seq_len, 1, std::uint64_t{1} << 26);
  require_range("head_dim", cfg.head_dim, 1, 65536);
  require_range("block_queries", cfg.block_queries, 1, 65536);
  require_range("tile_keys", cfg.tile_keys, 1, cfg.seq_len, "seq_len=");
  require_range("tile_end", cfg.end_tile(), 1, cfg.n_tiles(), "n_tiles=");
  require_range("tile_begin", cfg.tile_begin, 0, cfg.end_tile() - 1, "tile_end-1=");
  // full_layer queries are tokens of X; causal queries need a position in the sequence.
  if (cfg.kind == JobKind::full_layer || cfg.causal)
    require_range("n_queries", cfg.n_queries, 1, cfg.seq_len, "seq_len=");
  else
    require_range("n_queries", cfg.n_queries, 1, std::uint64_t{1} << 26);
  if (cfg.kind == JobKind::full_layer)
    require_range("d_model", cfg.d_model, 1, std::uint64_t{1} << 20);
  if (cfg.tokens_after_queries != 0 &&
      (cfg.kind != JobKind::full_layer || cfg.causal ||
       std::uint64_t{cfg.n_queries} + cfg.tokens_after_queries > cfg.seq_len))
    throw std::invalid_argument("tokens_after_queries=" + std::to_string(cfg.tokens_after_queries) +
                                " needs a non-causal full_layer job with n_queries + tokens_after_queries <= seq_len");
  const std::uint64_t q_block = std::uint64_t{cfg.block_queries} * cfg.head_dim * 2;
  require_range("token_buffer_bytes", cfg.token_buffer_bytes, q_block, std::uint64_t{1} << 40,
                "2^40; the lower bound holds one query block's Q, block_queries x head_dim x 2 B");
  require_range("weight_buffer_bytes", cfg.weight_buffer_bytes, 0, std::uint64_t{1} << 40);
  require_range("temp_buffer_bytes", cfg.temp_buffer_bytes, 0, std::uint64_t{1} << 40);
}

std::vector<TileStep> make_schedule(const TilingConfig& cfg,
                                    Flow /*flow: same order, see header*/) {
  validate(cfg);
  std::vector<TileStep> steps;
  for (std::uint32_t b = 0; b < cfg.n_blocks(); ++b)
    for (std::uint32_t t = 0; t < cfg.n_tiles(); ++t)
      if (cfg.visits(b, t)) steps.push_back({b, t});
  return steps;
}

// ---------------------------------------------------------------------------------------------
// Selection statistics
// ---------------------------------------------------------------------------------------------

SelectionStats selection_stats(const std::vector<RowSelection>& rows, const TilingConfig& cfg,
                               std::uint32_t kv_buffer_rows) {
  validate(cfg);
  if (rows.size() != cfg.n_queries)
    throw std::invalid_argument("selection_stats: " + std::to_string(rows.size()) +
                                " row selections for n_queries=" + std::to_string(cfg.n_queries));
  const KeyTiling kt = cfg.key_tiling();
  SelectionStats st;
  st.n_blocks = cfg.n_blocks();
  st.n_tiles = kt.n_tiles();
  st.cells.assign(std::size_t{st.n_blocks} * st.n_tiles, {});
  st.tile_union.assign(st.n_tiles, 0);

  for (std::size_t q = 0; q < rows.size(); ++q) {
    const RowSelection& r = rows[q];
    const std::string who = "selection_stats: query " + std::to_string(q);
    if (r.tile_start.size() != st.n_tiles + 1 || r.tile_start.front() != 0 ||
        r.tile_start.back() != r.keys.size())
      throw std::invalid_argument(who + " must have " + std::to_string(st.n_tiles) +
                                  " tiles with tile_start from 0 to keys.size()");
    const std::uint32_t block = static_cast<std::uint32_t>(q / cfg.block_queries);
    for (std::uint32_t t = 0; t < st.n_tiles; ++t) {
      if (r.tile_start[t] > r.tile_start[t + 1])
        throw std::invalid_argument(who + ": tile_start is not non-decreasing");
      if (!cfg.visits(block, t) && r.tile_size(t) != 0)
        throw std::invalid_argument(who + " selects keys in tile " + std::to_string(t) +
                                    ", which causal masking skips for its block");
      const std::uint32_t lo = kt.tile_first(t), hi = lo + kt.tile_len(t);
      for (std::size_t i = 0; i < r.tile_size(t); ++i) {
        const std::uint32_t key = r.tile_begin(t)[i];
        if (key < lo || key >= hi)
          throw std::invalid_argument(who + ": key " + std::to_string(key) + " is not in tile " +
                                      std::to_string(t) + " [" + std::to_string(lo) + ", " +
                                      std::to_string(hi) + ")");
      }
    }
  }

  std::vector<const RowSelection*> block_rows;
  std::vector<char> generated(cfg.seq_len, 0);  // rows some earlier block already selected
  for (std::uint32_t b = 0; b < st.n_blocks; ++b) {
    block_rows.clear();
    const std::size_t first = std::size_t{b} * cfg.block_queries;
    for (std::size_t q = first; q < first + cfg.block_size(b); ++q) block_rows.push_back(&rows[q]);
    for (std::uint32_t t = 0; t < st.n_tiles; ++t) {
      if (!cfg.visits(b, t)) continue;
      const RassPlan plan = rass_plan(block_rows, t, kv_buffer_rows);
      TileSelectionStats& c = st.cells[std::size_t{b} * st.n_tiles + t];
      c.union_rows = static_cast<std::uint32_t>(plan.loads_with_rass);
      c.selected = plan.selected;
      c.vanilla_loads = plan.loads_without_rass;
      for (std::uint32_t row : plan.order)
        if (!generated[row]) generated[row] = 1, ++c.fresh_rows;
    }
  }

  const std::vector<char>& wanted = generated;  // every selected row, skipped cells hold none
  for (std::uint32_t t = 0; t < st.n_tiles; ++t)
    st.tile_union[t] = static_cast<std::uint32_t>(std::count(
        wanted.begin() + kt.tile_first(t), wanted.begin() + kt.tile_first(t) + kt.tile_len(t), 1));
  return st;
}

Traffic TrafficReport::total() const {
  Traffic sum;
  for (const Traffic& t : per_stage) sum += t;
  return sum;
}

}  // namespace star
