#include "star_core/head_pipeline.h"

#include <algorithm>
#include <stdexcept>

namespace star {

HeadPipeline::HeadPipeline(const HeadData& data, const StarAlgoConfig& cfg, std::uint32_t seq_len)
    : data_(data), cfg_(cfg), tiling_(cfg.tiling(seq_len)), seq_len_(seq_len) {
  require_shape(data.q && data.k && data.v && data.pred_keys, "head data incomplete");
  out_ = MatF(data.q->rows(), data.q->cols());
  selection_.resize(data.q->rows());
}

std::uint32_t HeadPipeline::valid_keys(std::uint32_t row) const {
  return cfg_.causal ? causal_valid_keys(row, n_queries(), seq_len_) : seq_len_;
}

bool HeadPipeline::visits(std::uint32_t r0, std::uint32_t r1, std::uint32_t t) const {
  (void)r0;
  return r1 > r0 && tiling_.tile_first(t) < valid_keys(r1 - 1);
}

BlockState HeadPipeline::begin_block(std::uint32_t r0, std::uint32_t r1) {
  require_shape(r0 < r1 && r1 <= n_queries(), "query block out of range");
  BlockState b;
  b.r0 = r0;
  b.r1 = r1;
  if (!cfg_.dense) {
    if (keys_.n_keys() == 0 && seq_len_ > 0)
      keys_ = prepare_keys(*data_.pred_keys, cfg_.predictor, 0, seq_len_);
    b.a_hat = MatI64(r1 - r0, seq_len_);
  }
  b.rows.reserve(r1 - r0);
  for (std::uint32_t i = r0; i < r1; ++i) {
    SufaInputs in{data_.q, data_.k, data_.v, data_.score_scale, data_.v_scale, nullptr};
    if (!cfg_.dense) in.predicted = b.a_hat.row(i - r0);
    b.rows.emplace_back(in, i, seq_len_, cfg_.sufa);
    selection_[i] = RowSelection{};
  }
  return b;
}

OpCounts HeadPipeline::predict_tile(BlockState& b, std::uint32_t t) {
  OpCounts ops;
  if (cfg_.dense) return ops;
  const std::uint32_t first = tiling_.tile_first(t);
  // A causal block predicts only up to its last query's position.
  const std::uint32_t end = std::min(first + tiling_.tile_len(t), valid_keys(b.r1 - 1));
  ScorePrediction p = predict_scores(*data_.q, keys_, b.r0, b.r1, first, end);
  for (std::uint32_t i = 0; i < b.r1 - b.r0; ++i)
    std::copy(p.a_hat.row(i), p.a_hat.row(i) + (end - first), b.a_hat.row(i) + first);
  return p.ops;
}

void HeadPipeline::pad_selection(RowSelection& sel, std::uint32_t tiles) const {
  while (sel.n_tiles() < tiles) sel.tile_start.push_back(static_cast<std::uint32_t>(sel.keys.size()));
}

OpCounts HeadPipeline::select_tile(BlockState& b, std::uint32_t t, CellSelection& cell) {
  OpCounts ops;
  const std::uint32_t first = tiling_.tile_first(t), len = tiling_.tile_len(t);
  cell = CellSelection{};
  cell.rows = b.r1 - b.r0;
  cell.keys = len;
  for (std::uint32_t i = b.r0; i < b.r1; ++i) {
    RowSelection& sel = selection_[i];
    pad_selection(sel, t);  // tiles a causal block skipped stay empty
    const std::uint32_t n_valid = valid_keys(i);
    const std::size_t before = sel.keys.size();
    if (cfg_.dense) {
      for (std::uint32_t j = first; j < std::min(first + len, n_valid); ++j) sel.keys.push_back(j);
    } else {
      const std::uint64_t steps_before = ops.sort_steps;
      sads_select_subsegment(b.a_hat.row(i - b.r0), first, len, n_valid, cfg_.sads, sel.keys, ops);
      cell.max_sort_steps = std::max<std::uint32_t>(
          cell.max_sort_steps, static_cast<std::uint32_t>(ops.sort_steps - steps_before));
    }
    sel.tile_start.push_back(static_cast<std::uint32_t>(sel.keys.size()));
    cell.selected += sel.keys.size() - before;
    cell.union_keys.insert(cell.union_keys.end(), sel.keys.begin() + before, sel.keys.end());
  }
  std::sort(cell.union_keys.begin(), cell.union_keys.end());
  cell.union_keys.erase(std::unique(cell.union_keys.begin(), cell.union_keys.end()),
                        cell.union_keys.end());
  return ops;
}

OpCounts HeadPipeline::formal_tile(BlockState& b, std::uint32_t t) {
  OpCounts ops;
  for (std::uint32_t i = b.r0; i < b.r1; ++i) {
    const RowSelection& sel = selection_[i];
    if (t + 1 >= sel.tile_start.size()) continue;  // not selected in this tile
    b.rows[i - b.r0].add_tile(sel.tile_begin(t), sel.tile_size(t), ops);
  }
  return ops;
}

OpCounts HeadPipeline::finish_block(BlockState& b) {
  OpCounts ops;
  for (std::uint32_t i = b.r0; i < b.r1; ++i) {
    pad_selection(selection_[i], tiling_.n_tiles());
    b.rows[i - b.r0].finish(out_.row(i), ops);
  }
  b.rows.clear();
  b.a_hat = MatI64();
  return ops;
}

OpCounts HeadPipeline::finish_block_partial(BlockState& b, std::vector<float>& partials) {
  OpCounts ops;
  const std::size_t w = sufa_partial_floats(data_.q->cols());
  partials.assign(std::size_t(b.r1 - b.r0) * w, 0.0f);
  for (std::uint32_t i = b.r0; i < b.r1; ++i) {
    pad_selection(selection_[i], tiling_.n_tiles());
    b.rows[i - b.r0].finish_partial(partials.data() + std::size_t(i - b.r0) * w, ops);
  }
  b.rows.clear();
  b.a_hat = MatI64();
  return ops;
}

}  // namespace star
