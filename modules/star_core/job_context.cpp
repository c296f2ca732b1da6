#include "star_core/job_context.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kvgen/kvgen_model.h"
#include "sads/sads_model.h"

namespace star {

struct JobContext::HeadState {
  MatI16 q;
  std::unique_ptr<HeadPipeline> pipeline;
};

JobContext::~JobContext() = default;

void check_workload(const PerformanceWorkload& perf, const CoreJob& job, bool functional) {
  if (perf.batch_tiles == 0)
    throw std::invalid_argument("PerformanceWorkload.batch_tiles must be at least 1");
  if (perf.batch_tiles > 65536)  // a macro cell's bursts (batch_tiles x max_burst_bytes) stay under 4 GiB
    throw std::invalid_argument("PerformanceWorkload.batch_tiles must be at most 65536, got " +
                                std::to_string(perf.batch_tiles));
  if (perf.batch_tiles == 1) return;
  if (functional)
    throw std::invalid_argument(
        "PerformanceWorkload.batch_tiles > 1 (macro cells) is for performance mode only; "
        "functional mode runs one cell per key tile");
  if (job.kind != JobKind::attention_only || job.flow != Flow::coordinated)
    throw std::invalid_argument(
        "PerformanceWorkload.batch_tiles > 1 needs an attention-only job in the coordinated flow");
}

std::uint32_t auto_batch_tiles(const CoreJob& job, std::uint64_t target_cells, bool functional) {
  if (target_cells == 0) throw std::invalid_argument("automatic batching: target_cells must be at least 1");
  if (functional || job.kind != JobKind::attention_only || job.flow != Flow::coordinated) return 1;
  // Visited tiles per query block (causal masking drops a suffix of the tiles).
  const TilingConfig t = job.tiling_config(CoreConfig{});
  std::vector<std::uint32_t> visited(t.n_blocks(), 0);
  std::uint32_t most = 1;
  for (std::uint32_t b = 0; b < t.n_blocks(); ++b) {
    std::uint32_t lo = t.first_tile(), hi = t.end_tile();
    if (!t.visits(b, lo)) continue;
    while (hi - lo > 1) {  // visits(lo); hi is past the shard or not visited
      const std::uint32_t mid = lo + (hi - lo) / 2;
      (t.visits(b, mid) ? lo : hi) = mid;
    }
    visited[b] = lo + 1 - t.first_tile();
    most = std::max(most, visited[b]);
  }
  auto cells = [&](std::uint64_t k) {
    std::uint64_t n = 0;
    for (std::uint32_t v : visited) n += (v + k - 1) / k;
    return n * job.heads;
  };
  // cells(k) does not grow with k: binary search for the smallest k within the target.
  std::uint32_t lo = 1, hi = most;
  while (lo < hi) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    if (cells(mid) <= target_cells)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

namespace {
OpCounts scaled(const OpCounts& o, std::uint64_t n) {
  OpCounts s;
  s.lz_encodes = o.lz_encodes * n;
  s.shifts = o.shifts * n;
  s.adds = o.adds * n;
  s.macs = o.macs * n;
  s.compares = o.compares * n;
  s.sort_steps = o.sort_steps * n;
  s.exps = o.exps * n;
  s.rescales = o.rescales * n;
  s.multiplies = o.multiplies * n;
  s.divisions = o.divisions * n;
  s.zero_skips = o.zero_skips * n;
  return s;
}
}  // namespace

JobContext::JobContext(const CoreJob& job, const CoreConfig& core, bool functional,
                       PerformanceWorkload perf)
    : job_(job), core_(core), functional_(functional), perf_(perf),
      tiling_(job.tiling_config(core)) {
  validate(tiling_);
  check_workload(perf_, job_, functional_);
  if (perf_.batch_tiles > 1) {
    build_batched_cells();
    return;
  }
  const std::uint32_t n_tiles = tiling_.n_tiles(), n_blocks = tiling_.n_blocks();
  for (std::uint32_t g = 0; g < job_.kv_heads; ++g)
    for (std::uint32_t gi = 0; gi < job_.group(); ++gi) {
      const std::uint32_t h = g * job_.group() + gi;
      for (std::uint32_t b = 0; b < n_blocks; ++b) {
        const std::size_t first = cells_.size();
        cell_pos_[{h, b}] = first;
        for (std::uint32_t t = 0; t < n_tiles; ++t)
          if (tiling_.visits(b, t)) cells_.push_back(Cell{h, g, b, t, cells_.size() == first, false, false});
        if (cells_.size() > first) cells_.back().last_of_block = true;
      }
      if (!cells_.empty()) cells_.back().last_of_head = true;
    }
  generated_rows_.assign(job_.kv_heads, std::vector<std::uint32_t>(n_tiles, 0));
  generated_.assign(job_.kv_heads, std::vector<char>(job_.seq_len, 0));

  // Reuse policies are chosen before the run from the expected selection statistics of one head
  // (the firmware's decision; the actual selections are not known yet).
  SelectionStats expected;
  expected.n_blocks = n_blocks;
  expected.n_tiles = n_tiles;
  expected.cells.resize(std::size_t(n_blocks) * n_tiles);
  expected.tile_union.assign(n_tiles, 0);
  const auto saved = generated_rows_;
  for (const Cell& c : cells_) {
    if (c.head != 0) break;
    CellWork w;
    draw_statistics(c, w);
    expected.cells[std::size_t(c.block) * n_tiles + c.tile] = w.stats;
    expected.tile_union[c.tile] = std::min(tiling_.key_tiling().tile_len(c.tile),
                                           expected.tile_union[c.tile] + w.stats.fresh_rows);
  }
  generated_rows_ = saved;
  policy_ = count_traffic(tiling_, job_.flow, expected);
}

void JobContext::replay(std::vector<CellWork> recorded) {
  if (perf_.batch_tiles > 1 && !recorded.empty())
    throw std::invalid_argument("a replayed selection needs PerformanceWorkload.batch_tiles 1");
  replay_ = std::move(recorded);
}

std::uint32_t JobContext::visited_tiles(std::uint32_t block) const {
  // Causal masking drops a suffix of the shard's tiles: binary search for the last visited one.
  std::uint32_t lo = tiling_.first_tile(), hi = tiling_.end_tile();
  if (!tiling_.visits(block, lo)) return 0;
  while (hi - lo > 1) {  // visits(lo); hi is past the shard or not visited
    const std::uint32_t mid = lo + (hi - lo) / 2;
    (tiling_.visits(block, mid) ? lo : hi) = mid;
  }
  return lo + 1 - tiling_.first_tile();
}

std::uint64_t JobContext::key_groups(const Cell& c, std::uint32_t group) const {
  const KeyTiling kt = tiling_.key_tiling();
  const std::uint32_t end = c.tile + c.tiles, last = kt.n_tiles() - 1;
  const std::uint64_t full = (tiling_.tile_keys + group - 1) / group;
  if (end <= last) return full * c.tiles;  // every tile has tile_keys keys
  return full * (c.tiles - 1) + (kt.tile_len(last) + group - 1) / group;
}

void JobContext::build_batched_cells() {
  const std::uint32_t k = perf_.batch_tiles, n_blocks = tiling_.n_blocks();
  for (std::uint32_t g = 0; g < job_.kv_heads; ++g)
    for (std::uint32_t gi = 0; gi < job_.group(); ++gi) {
      const std::uint32_t h = g * job_.group() + gi;
      for (std::uint32_t b = 0; b < n_blocks; ++b) {
        const std::size_t first = cells_.size();
        cell_pos_[{h, b}] = first;
        const std::uint32_t n = visited_tiles(b);
        for (std::uint32_t i = 0; i < n; i += k) {
          Cell c{h, g, b, tiling_.first_tile() + i, i == 0, false, false};
          c.tiles = std::min(k, n - i);
          cells_.push_back(c);
        }
        if (cells_.size() > first) cells_.back().last_of_block = true;
      }
      if (!cells_.empty()) cells_.back().last_of_head = true;
    }
  // The reuse policy count_traffic picks for an attention-only coordinated job, without pricing
  // every cell: K stays resident when the shard's keys fit next to a query block (fewest bytes,
  // first in its tie order), otherwise it is reloaded on every visit (spill). The per-stage byte
  // totals are not counted (the fetcher counts what the cells move).
  const KeyTiling kt = tiling_.key_tiling();
  const std::uint64_t shard_keys = std::uint64_t{kt.tile_first(tiling_.end_tile() - 1)} +
                                   kt.tile_len(tiling_.end_tile() - 1) - kt.tile_first(tiling_.first_tile());
  const std::uint64_t row = std::uint64_t{job_.head_dim} * 2;
  policy_.key_reuse = std::uint64_t{tiling_.block_queries} * row + shard_keys * row <= tiling_.token_buffer_bytes
                          ? KeyReuse::resident
                          : KeyReuse::spill;
  policy_.kv_reuse = KvReuse::regenerate;
  policy_.score_loads.assign(n_blocks, 1);
  policy_.first_selecting_block.assign(tiling_.n_tiles(), 0);
}

std::uint32_t JobContext::uniform_end(std::uint32_t block) const {
  // The block's first row sees the fewest keys; tiles wholly before that horizon are full length
  // and every row of the block sees all their keys.
  const std::uint64_t valid = job_.algo.causal
                                  ? causal_valid_keys(block * tiling_.block_queries, tiling_.n_queries, tiling_.seq_len)
                                  : tiling_.seq_len;
  return static_cast<std::uint32_t>(valid / tiling_.tile_keys);
}

std::uint32_t JobContext::sort_steps(std::uint32_t keys, std::uint32_t budget) const {
  auto it = sort_steps_.find({keys, budget});
  if (it != sort_steps_.end()) return it->second;
  const auto steps = static_cast<std::uint32_t>(sads_pass_counts(keys, budget, keys, job_.algo.sads).sort_steps);
  return sort_steps_.emplace(std::make_pair(keys, budget), steps).first->second;
}

CellWork JobContext::draw_tile(std::uint32_t block, std::uint32_t tile) const {
  // draw_statistics for one tile without its K/V-generation state (attention-only: no fresh rows).
  const KeyTiling kt = tiling_.key_tiling();
  const std::uint32_t first = kt.tile_first(tile), len = kt.tile_len(tile);
  const std::uint32_t r0 = block * tiling_.block_queries, rows = tiling_.block_size(block);
  const std::uint32_t nq = tiling_.n_queries, S = tiling_.seq_len;
  auto budget_of = [&](std::uint32_t valid) {
    return job_.algo.dense ? valid : subsegment_budget(job_.algo.sads.keep, valid);
  };
  std::uint64_t selected = 0;
  std::uint32_t widest = 0, widest_budget = 0;
  if (tile < uniform_end(block)) {  // every row sees the whole tile
    widest = len;
    widest_budget = budget_of(len);
    selected = std::uint64_t{rows} * widest_budget;
  } else {
    for (std::uint32_t i = r0; i < r0 + rows; ++i) {
      const std::uint32_t n_valid = job_.algo.causal ? causal_valid_keys(i, nq, S) : S;
      const std::uint32_t valid = n_valid <= first ? 0 : std::min(len, n_valid - first);
      const std::uint32_t budget = budget_of(valid);
      selected += budget;
      if (valid >= widest) widest = valid, widest_budget = budget;
    }
  }
  CellWork w;
  w.rows = rows;
  w.keys = len;
  w.selected = selected;
  w.max_sort_steps = job_.algo.dense || widest == 0 ? 0 : sort_steps(widest, widest_budget);
  const double p = widest ? double(selected) / (double(rows) * widest) : 0.0;
  const double independent = std::max(1.0, rows * (1.0 - perf_.overlap));
  std::uint32_t uni = static_cast<std::uint32_t>(std::lround(widest * (1.0 - std::pow(1.0 - std::min(p, 1.0), independent))));
  uni = std::clamp(uni, std::min(widest, widest_budget), widest);
  w.stats.union_rows = uni;
  w.stats.selected = selected;
  w.stats.vanilla_loads = selected;
  const std::uint64_t d = job_.head_dim;
  w.predict.shifts = w.predict.adds = job_.algo.dense ? 0 : std::uint64_t(rows) * widest * d;
  w.select.sort_steps = std::uint64_t(rows) * w.max_sort_steps;
  w.select.compares = w.select.sort_steps * bitonic_comparators(job_.algo.sads.core_inputs);
  w.formal.macs = 2 * selected * d;
  w.formal.exps = selected;
  w.formal.adds = selected;
  w.formal.compares = selected;
  return w;
}

CellWork JobContext::draw_span(const Cell& c) const {
  CellWork sum;
  sum.rows = tiling_.block_size(c.block);
  auto add = [&sum](const CellWork& w, std::uint64_t n) {
    sum.keys += static_cast<std::uint32_t>(w.keys * n);
    sum.selected += w.selected * n;
    sum.max_sort_steps += static_cast<std::uint32_t>(w.max_sort_steps * n);
    sum.stats.union_rows += static_cast<std::uint32_t>(w.stats.union_rows * n);
    sum.stats.selected += w.stats.selected * n;
    sum.stats.vanilla_loads += w.stats.vanilla_loads * n;
    sum.predict += scaled(w.predict, n);
    sum.select += scaled(w.select, n);
    sum.formal += scaled(w.formal, n);
  };
  // Tiles below uniform_end are identical: drawn once, counted for each.
  const std::uint32_t end = c.tile + c.tiles;
  const std::uint32_t u = std::clamp(uniform_end(c.block), c.tile, end);
  if (u > c.tile) add(draw_tile(c.block, c.tile), u - c.tile);
  for (std::uint32_t t = u; t < end; ++t) add(draw_tile(c.block, t), 1);
  return sum;
}

std::vector<Transfer> JobContext::span_transfers(const Cell& c) const {
  std::vector<Transfer> merged;
  // One transaction per stream: contiguous rows join; scattered or repeated rows of a region (the
  // gathers, the SU-FA state rewritten every tile) are summed and timed as one gather at the
  // region's start, as the fetcher times every gather.
  auto merge = [&merged](Transfer t) {
    for (Transfer& e : merged)
      if (e.stage == t.stage && e.dir == t.dir && e.operand == t.operand && e.pass == t.pass &&
          e.bytes_per_row == t.bytes_per_row) {
        if (!e.gather && !t.gather && e.first_row + e.rows == t.first_row) {
          e.rows += t.rows;
        } else {
          e.gather = true;
          e.first_row = 0;
          e.rows += t.rows;
        }
        return;
      }
    merged.push_back(t);
  };
  auto plan = [&](std::uint32_t t) {
    CellTransferList list;
    append_cell_transfers(tiling_, job_.flow, policy_, draw_tile(c.block, t).stats, c.block, t, list);
    return list;
  };
  const std::uint32_t end = c.tile + c.tiles;
  std::uint32_t t = c.tile;
  for (const Transfer& x : plan(t)) merge(x);
  ++t;
  // The interior tiles below uniform_end (not the cell's last: it may end the block) share one
  // plan up to the rows' position: planned twice to tell advancing rows from a fixed region.
  const std::uint32_t g_end = std::max(t, std::min(uniform_end(c.block), end - 1));
  if (g_end > t) {
    const std::uint32_t count = g_end - t;
    const CellTransferList a = plan(t);
    const CellTransferList b = count > 1 ? plan(t + 1) : a;
    if (a.size() != b.size()) throw std::logic_error("span_transfers: interior tiles plan differently");
    for (std::size_t i = 0; i < a.size(); ++i) {
      Transfer x = a.begin()[i];
      if (count > 1) {
        const bool advancing = !x.gather && b.begin()[i].first_row == x.first_row + x.rows;
        if (!advancing && !x.gather) x.gather = true, x.first_row = 0;
        x.rows *= count;
      }
      merge(x);
    }
    t = g_end;
  }
  for (; t < end; ++t)
    for (const Transfer& x : plan(t)) merge(x);
  return merged;
}

std::size_t JobContext::cell_index(const Cell& c) const {
  const std::size_t first = cell_pos_.at({c.head, c.block});
  for (std::size_t i = first; i < cells_.size(); ++i)
    if (cells_[i].tile == c.tile) return i;
  throw std::logic_error("cell not in the schedule");
}

void JobContext::load_inputs(const Reader& read) {
  if (!functional_) return;
  const std::uint32_t d = job_.head_dim, S = job_.seq_len, nq = job_.queries();
  auto read_i16 = [&](std::uint64_t addr, std::size_t rows) {
    MatI16 m(rows, d);
    read(addr, m.data(), m.size() * 2);
    return m;
  };
  auto read_i8 = [&](std::uint64_t addr, std::size_t rows, std::size_t cols) {
    MatI8 m(rows, cols);
    read(addr, m.data(), m.size());
    return m;
  };
  const std::uint64_t wslice = std::uint64_t(job_.d_model) * d;
  if (job_.kind == JobKind::attention_only) {
    for (std::uint32_t h = 0; h < job_.heads; ++h) q_.push_back(read_i16(job_.q_row(h, 0), nq));
    for (std::uint32_t g = 0; g < job_.kv_heads; ++g) {
      k_.push_back(read_i16(job_.k_row(g, 0), S));
      v_.push_back(read_i16(job_.v_row(g, 0), S));
    }
    return;
  }
  x_ = read_i8(job_.x_addr, S, job_.d_model);
  for (std::uint32_t h = 0; h < job_.heads; ++h)
    wq_.push_back(read_i8(job_.wq_addr + h * wslice, job_.d_model, d));
  for (std::uint32_t g = 0; g < job_.kv_heads; ++g) {
    wk_.push_back(read_i8(job_.wk_addr + g * wslice, job_.d_model, d));
    wv_.push_back(read_i8(job_.wv_addr + g * wslice, job_.d_model, d));
    k_.emplace_back(S, d);
    v_.emplace_back(S, d);
    // K_hat of every token (phase 1.1 with the descriptor's shift; its work is charged to the
    // cells that first visit each tile).
    k_hat_.push_back(job_.algo.dense ? MatI16()
                                     : predict_keys(x_, wk_[g], job_.algo.predictor,
                                                    job_.shifts.k_hat[g]).k_hat);
    if (!job_.algo.on_demand_kv) {
      std::vector<std::uint32_t> all(S);
      for (std::uint32_t t = 0; t < S; ++t) all[t] = t;
      generate_rows(x_, wk_[g], job_.shifts.k[g], all, k_[g]);
      generate_rows(x_, wv_[g], job_.shifts.v[g], all, v_[g]);
      std::fill(generated_[g].begin(), generated_[g].end(), 1);
    }
  }
  // Q of the query tokens (X rows first_query_token() .. + n_q; all of X for a whole layer).
  const std::uint32_t q0 = job_.first_query_token();
  std::vector<std::uint32_t> q_tokens(nq);
  for (std::uint32_t i = 0; i < nq; ++i) q_tokens[i] = q0 + i;
  for (std::uint32_t h = 0; h < job_.heads; ++h) {
    OpCounts ignored;
    if (nq == S) {
      q_.push_back(generate_all_rows(x_, wq_[h], job_.shifts.q[h], ignored));
      continue;
    }
    MatI16 all(S, d);
    generate_rows(x_, wq_[h], job_.shifts.q[h], q_tokens, all);
    MatI16 q(nq, d);
    std::copy(all.row(q0), all.row(q0) + std::size_t(nq) * d, q.data());
    q_.push_back(std::move(q));
  }
}

JobContext::HeadState& JobContext::head_state(std::uint32_t h) {
  auto it = heads_.find(h);
  if (it != heads_.end()) return *it->second;
  auto hs = std::make_unique<HeadState>();
  const std::uint32_t g = h / job_.group();
  const double d = job_.head_dim;
  HeadData data;
  if (job_.kind == JobKind::attention_only) {
    data = HeadData{&q_[h], &k_[g], &k_[g], &v_[g], job_.q_scale * job_.k_scale / std::sqrt(d),
                    job_.v_scale};
  } else {
    const double qs = job_.x_scale * job_.wq_scale * std::ldexp(1.0, job_.shifts.q[h]);
    const double ks = job_.x_scale * job_.wk_scale * std::ldexp(1.0, job_.shifts.k[g]);
    const double vs = job_.x_scale * job_.wv_scale * std::ldexp(1.0, job_.shifts.v[g]);
    data = HeadData{&q_[h], job_.algo.dense ? &k_[g] : &k_hat_[g], &k_[g], &v_[g],
                    qs * ks / std::sqrt(d), vs};
  }
  hs->pipeline = std::make_unique<HeadPipeline>(data, job_.algo, job_.seq_len);
  return *heads_.emplace(h, std::move(hs)).first->second;
}

BlockState& JobContext::block_state(const Cell& c) {
  auto it = blocks_.find({c.head, c.block});
  if (it != blocks_.end()) return it->second;
  const std::uint32_t r0 = c.block * job_.algo.block_queries;
  const std::uint32_t r1 = std::min(job_.queries(), r0 + job_.algo.block_queries);
  return blocks_.emplace(std::make_pair(c.head, c.block),
                         head_state(c.head).pipeline->begin_block(r0, r1))
      .first->second;
}

void JobContext::draw_statistics(const Cell& c, CellWork& w) {
  const KeyTiling kt = tiling_.key_tiling();
  const std::uint32_t first = kt.tile_first(c.tile), len = kt.tile_len(c.tile);
  const std::uint32_t r0 = c.block * tiling_.block_queries;
  const std::uint32_t rows = tiling_.block_size(c.block);
  const std::uint32_t nq = tiling_.n_queries, S = tiling_.seq_len;
  std::uint64_t selected = 0;
  std::uint32_t widest = 0, widest_budget = 0;
  for (std::uint32_t i = r0; i < r0 + rows; ++i) {
    const std::uint32_t n_valid = job_.algo.causal ? causal_valid_keys(i, nq, S) : S;
    const std::uint32_t valid = n_valid <= first ? 0 : std::min(len, n_valid - first);
    const std::uint32_t budget = job_.algo.dense ? valid : subsegment_budget(job_.algo.sads.keep, valid);
    selected += budget;
    if (valid >= widest) widest = valid, widest_budget = budget;
  }
  w.rows = rows;
  w.keys = len;
  w.selected = selected;
  w.max_sort_steps = job_.algo.dense || widest == 0
                         ? 0
                         : static_cast<std::uint32_t>(
                               sads_pass_counts(widest, widest_budget, widest, job_.algo.sads).sort_steps);
  // Distinct keys: the shared picks count once, the rest spread uniformly over the tile.
  const double p = widest ? double(selected) / (double(rows) * widest) : 0.0;
  const double independent = std::max(1.0, rows * (1.0 - perf_.overlap));
  std::uint32_t uni = static_cast<std::uint32_t>(std::lround(widest * (1.0 - std::pow(1.0 - std::min(p, 1.0), independent))));
  uni = std::clamp(uni, std::min(widest, widest_budget), widest);
  w.stats.union_rows = uni;
  w.stats.selected = selected;
  w.stats.vanilla_loads = selected;  // a per-query gather with no reuse to speak of
  std::uint32_t& done = generated_rows_[c.kv_head][c.tile];
  const std::uint32_t fresh = len ? static_cast<std::uint32_t>(std::lround(double(uni) * (len - done) / len)) : 0;
  w.stats.fresh_rows = std::min(fresh, len - done);
  done += w.stats.fresh_rows;
  // Action counts for energy, in the shape the functional models report them.
  const std::uint64_t d = job_.head_dim;
  w.predict.shifts = w.predict.adds = job_.algo.dense ? 0 : std::uint64_t(rows) * widest * d;
  w.select.sort_steps = std::uint64_t(rows) * w.max_sort_steps;
  w.select.compares = w.select.sort_steps * bitonic_comparators(job_.algo.sads.core_inputs);
  w.kvgen.macs = job_.kind == JobKind::full_layer ? 2ull * w.stats.fresh_rows * job_.d_model * d : 0;
  w.formal.macs = 2 * selected * d;
  w.formal.exps = selected;
  w.formal.adds = selected;
  w.formal.compares = selected;
}

CellWork JobContext::predict(const Cell& c) {
  CellWork w;
  if (!functional_) {
    if (perf_.batch_tiles > 1) return draw_span(c);
    if (!replay_.empty()) {
      w = replay_.at(cell_index(c));
    } else {
      draw_statistics(c, w);
      // Without on-demand generation every K/V row exists before the first cell: none is fresh.
      if (!job_.algo.on_demand_kv) w.stats.fresh_rows = 0, w.kvgen = OpCounts{};
    }
    return w;
  }
  BlockState& b = block_state(c);
  HeadPipeline& hp = *head_state(c.head).pipeline;
  w.rows = b.r1 - b.r0;
  w.keys = hp.tiling().tile_len(c.tile);
  w.predict = hp.predict_tile(b, c.tile);
  return w;
}

void JobContext::select(const Cell& c, CellWork& w) {
  if (!functional_) return;  // drawn (or replayed) with the prediction
  BlockState& b = block_state(c);
  HeadPipeline& hp = *head_state(c.head).pipeline;
  CellSelection cs;
  w.select = hp.select_tile(b, c.tile, cs);
  w.selected = cs.selected;
  w.max_sort_steps = cs.max_sort_steps;
  std::vector<const RowSelection*> rows;
  for (std::uint32_t i = b.r0; i < b.r1; ++i) rows.push_back(&hp.selection()[i]);
  const RassPlan plan = rass_plan(rows, c.tile, core_.kv_buffer_rows);
  w.stats.union_rows = static_cast<std::uint32_t>(plan.loads_with_rass);
  w.stats.selected = plan.selected;
  w.stats.vanilla_loads = plan.loads_without_rass;
  w.select += plan.ops;
  std::uint32_t fresh = 0;
  for (std::uint32_t key : cs.union_keys) fresh += generated_[c.kv_head][key] == 0;
  w.stats.fresh_rows = fresh;
  record_.push_back(w);
}

void JobContext::generate(const Cell& c, CellWork& w) {
  if (!functional_) return;
  if (job_.kind != JobKind::full_layer) return;
  HeadPipeline& hp = *head_state(c.head).pipeline;
  const BlockState& b = block_state(c);
  std::vector<char>& gen = generated_[c.kv_head];
  std::vector<std::uint32_t> fresh;
  for (std::uint32_t i = b.r0; i < b.r1; ++i) {
    const RowSelection& sel = hp.selection()[i];
    for (std::uint32_t k = sel.tile_start[c.tile]; k < sel.tile_start[c.tile + 1]; ++k)
      if (!gen[sel.keys[k]]) {
        gen[sel.keys[k]] = 1;
        fresh.push_back(sel.keys[k]);
      }
  }
  std::sort(fresh.begin(), fresh.end());
  const std::uint32_t g = c.kv_head;
  w.kvgen += generate_rows(x_, wk_[g], job_.shifts.k[g], fresh, k_[g]);
  w.kvgen += generate_rows(x_, wv_[g], job_.shifts.v[g], fresh, v_[g]);
}

void JobContext::formal(const Cell& c, CellWork& w) {
  if (!functional_) return;
  w.formal = head_state(c.head).pipeline->formal_tile(block_state(c), c.tile);
}

OpCounts JobContext::finish_block(const Cell& c, const Writer& write) {
  OpCounts ops;
  const std::uint32_t r0 = c.block * job_.algo.block_queries;
  const std::uint32_t r1 = std::min(job_.queries(), r0 + job_.algo.block_queries);
  if (job_.partial_output) partials_.push_back(BlockPartials{c.head, c.block, r0, r1 - r0, {}});
  if (!functional_) {
    // The division happens where the partials are merged.
    if (!job_.partial_output) ops.divisions = std::uint64_t(r1 - r0) * job_.head_dim;
    return ops;
  }
  HeadState& hs = head_state(c.head);
  BlockState& b = block_state(c);
  if (job_.partial_output) {
    ops = hs.pipeline->finish_block_partial(b, partials_.back().data);
    blocks_.erase({c.head, c.block});
    if (c.last_of_head) heads_.erase(c.head);
    return ops;
  }
  ops = hs.pipeline->finish_block(b);
  const MatF& out = hs.pipeline->output();
  for (std::uint32_t i = r0; i < r1; ++i)
    write(job_.o_row(c.head, i), out.row(i), std::uint64_t(job_.head_dim) * sizeof(float));
  blocks_.erase({c.head, c.block});
  if (c.last_of_head) heads_.erase(c.head);
  return ops;
}

std::vector<Transfer> JobContext::transfers(const Cell& c, const TileSelectionStats& s) const {
  std::vector<Transfer> list =
      perf_.batch_tiles > 1 ? span_transfers(c) : cell_transfers(tiling_, job_.flow, policy_, s, c.block, c.tile);
  const bool no_o = job_.partial_output, no_kv = job_.kv_on_chip;
  if (no_o || no_kv)  // partials stay on chip (no O write); K/V already on chip (no K/V reads)
    list.erase(std::remove_if(list.begin(), list.end(),
                              [no_o, no_kv](const Transfer& t) {
                                return (no_o && t.operand == Operand::o) ||
                                       (no_kv && t.dir == Direction::read &&
                                        (t.operand == Operand::k || t.operand == Operand::v));
                              }),
               list.end());
  return list;
}

}  // namespace star
