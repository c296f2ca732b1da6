#include "sufa/sufa_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace star {

SufaOrder parse_sufa_order(const std::string& name) {
  if (name == "descending") return SufaOrder::descending;
  if (name == "ascending") return SufaOrder::ascending;
  if (name == "unsorted") return SufaOrder::unsorted;
  throw std::invalid_argument("unknown SU-FA order '" + name +
                              "' (allowed: descending, ascending, unsorted)");
}

MaxGuard parse_max_guard(const std::string& name) {
  if (name == "compare_update") return MaxGuard::compare_update;
  if (name == "subtract_max") return MaxGuard::subtract_max;
  if (name == "off") return MaxGuard::off;
  throw std::invalid_argument("unknown SU-FA max guard '" + name +
                              "' (allowed: compare_update, subtract_max, off)");
}

std::string to_string(SufaOrder order) {
  switch (order) {
    case SufaOrder::descending: return "descending";
    case SufaOrder::ascending: return "ascending";
    case SufaOrder::unsorted: return "unsorted";
  }
  return "?";
}

std::string to_string(MaxGuard guard) {
  switch (guard) {
    case MaxGuard::compare_update: return "compare_update";
    case MaxGuard::subtract_max: return "subtract_max";
    case MaxGuard::off: return "off";
  }
  return "?";
}

namespace {

// o[0..d) += w * v[0..d): the SA-2 PV multiply-accumulates, V in its integer units.
void accumulate(float* o, float w, const std::int16_t* v, std::size_t d) {
  for (std::size_t c = 0; c < d; ++c) o[c] += w * static_cast<float>(v[c]);
}

void scale(float* o, float f, std::size_t d) {
  for (std::size_t c = 0; c < d; ++c) o[c] *= f;
}

}  // namespace

SufaRowAccumulator::SufaRowAccumulator(const SufaInputs& in, std::size_t qi,
                                       std::size_t pred_row_len, const SufaConfig& cfg)
    : in_(in), qi_(qi), pred_len_(pred_row_len), cfg_(cfg), d_(0) {
  if (!in.q || !in.k || !in.v) throw std::invalid_argument("SU-FA: Q, K and V must all be given");
  d_ = in.q->cols();
  require_shape(d_ > 0, "SU-FA: head dimension d must be > 0");
  require_shape(in.k->cols() == d_, "SU-FA: K has " + std::to_string(in.k->cols()) +
                                        " columns, Q has " + std::to_string(d_));
  require_shape(in.v->cols() == d_, "SU-FA: V has " + std::to_string(in.v->cols()) +
                                        " columns, Q has " + std::to_string(d_));
  if (qi >= in.q->rows())
    throw std::invalid_argument("SU-FA: query row " + std::to_string(qi) + " out of range (" +
                                std::to_string(in.q->rows()) + " rows)");
  if (!std::isfinite(in.score_scale) || !std::isfinite(in.v_scale))
    throw std::invalid_argument("SU-FA: score_scale and v_scale must be finite");
  if (cfg.order == SufaOrder::ascending && in.predicted == nullptr)
    throw std::invalid_argument(
        "SU-FA: order 'ascending' needs the predicted scores (SufaInputs::predicted)");
  if (cfg.order == SufaOrder::unsorted) run_o_.assign(d_, 0.0f);
}

float SufaRowAccumulator::score(std::uint32_t key) const {
  const std::int16_t* q = in_.q->row(qi_);
  const std::int16_t* k = in_.k->row(key);
  std::int64_t dot = 0;
  for (std::size_t c = 0; c < d_; ++c) dot += std::int32_t{q[c]} * std::int32_t{k[c]};
  return static_cast<float>(static_cast<double>(dot) * in_.score_scale);
}

void SufaRowAccumulator::add_tile(const std::uint32_t* keys, std::size_t n, OpCounts& ops) {
  if (n == 0) return;
  if (keys == nullptr) throw std::invalid_argument("SU-FA: null key list");
  const std::size_t n_keys = std::min(in_.k->rows(), in_.v->rows());
  const bool ascending = cfg_.order == SufaOrder::ascending;
  for (std::size_t i = 0; i < n; ++i) {
    if (keys[i] >= n_keys)
      throw std::invalid_argument("SU-FA: key " + std::to_string(keys[i]) + " out of range (" +
                                  std::to_string(n_keys) + " K/V rows)");
    if (ascending && keys[i] >= pred_len_)
      throw std::invalid_argument("SU-FA: key " + std::to_string(keys[i]) +
                                  " beyond the predicted row (" + std::to_string(pred_len_) + ")");
  }
  order_.assign(keys, keys + n);
  if (ascending) {
    const std::int64_t* p = in_.predicted;
    std::sort(order_.begin(), order_.end(), [p](std::uint32_t a, std::uint32_t b) {
      return p[a] < p[b] || (p[a] == p[b] && a < b);
    });
  } else if (cfg_.order == SufaOrder::unsorted) {
    std::sort(order_.begin(), order_.end());
  }
  ops.macs += 2 * d_ * n;
  ops.adds += n;
  keys_seen_ += n;
  if (cfg_.order == SufaOrder::unsorted)
    add_unsorted_tile(order_.data(), n, ops);
  else
    add_sorted_tile(order_.data(), n, ops);
}

void SufaRowAccumulator::add_sorted_tile(const std::uint32_t* keys, std::size_t n, OpCounts& ops) {
  const std::size_t j = tile_m_.size();
  tile_o_.resize((j + 1) * d_, 0.0f);
  float* o = tile_o_.data() + j * d_;
  scores_.resize(n);
  for (std::size_t i = 0; i < n; ++i) scores_[i] = score(keys[i]);
  float m = scores_[0];  // the reference: its weight exp(0) = 1 needs no exp
  float l = 1.0f;
  accumulate(o, 1.0f, in_.v->row(keys[0]), d_);
  for (std::size_t i = 1; i < n; ++i) {
    const float s = scores_[i];
    float w = 0.0f;
    switch (cfg_.guard) {
      case MaxGuard::compare_update:
        ++ops.compares;
        if (s > m) {  // the prediction was wrong: move the reference up
          const float c = std::exp(m - s);
          l *= c;
          scale(o, c, d_);
          m = s;
          ++ops.rescales;
          ++ops.exps;
          ops.multiplies += d_ + 1;
        }
        w = std::exp(s - m);
        break;
      case MaxGuard::subtract_max:
        ++ops.compares;
        w = std::exp(s - m);  // extended range: > 1 when s > m
        break;
      case MaxGuard::off:
        w = std::exp(std::min(s - m, 0.0f));  // the EXP unit's range saturates at 1
        break;
    }
    ++ops.exps;
    l += w;
    accumulate(o, w, in_.v->row(keys[i]), d_);
  }
  tile_m_.push_back(m);
  tile_l_.push_back(l);
}

void SufaRowAccumulator::add_unsorted_tile(const std::uint32_t* keys, std::size_t n,
                                           OpCounts& ops) {
  scores_.resize(n);
  float tile_max = scores_[0] = score(keys[0]);
  for (std::size_t i = 1; i < n; ++i) {
    scores_[i] = score(keys[i]);
    tile_max = std::max(tile_max, scores_[i]);
  }
  ops.compares += n - 1;
  if (!run_started_) {
    run_m_ = tile_max;
    run_started_ = true;
  } else {
    const float m_new = std::max(run_m_, tile_max);
    const float c = std::exp(run_m_ - m_new);
    run_l_ *= c;
    scale(run_o_.data(), c, d_);
    run_m_ = m_new;
    ++ops.compares;
    ++ops.exps;
    ++ops.rescales;
    ops.multiplies += d_ + 1;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const float w = std::exp(scores_[i] - run_m_);
    run_l_ += w;
    accumulate(run_o_.data(), w, in_.v->row(keys[i]), d_);
  }
  ops.exps += n;
}

void SufaRowAccumulator::finish(float* out, OpCounts& ops) {
  if (keys_seen_ == 0) throw std::invalid_argument("SU-FA: empty selection (softmax of no keys)");
  if (out == nullptr) throw std::invalid_argument("SU-FA: null output row");
  std::vector<float> partial(sufa_partial_floats(d_));
  finish_partial(partial.data(), ops);
  const float* p = partial.data();
  sufa_merge(&p, 1, d_, in_.v_scale, out, ops);
}

void SufaRowAccumulator::finish_partial(float* partial, OpCounts& ops) {
  if (partial == nullptr) throw std::invalid_argument("SU-FA: null partial row");
  float* o_out = partial + 2;
  if (keys_seen_ == 0) {
    partial[0] = -std::numeric_limits<float>::infinity();
    partial[1] = 0.0f;
    std::fill(o_out, o_out + d_, 0.0f);
    return;
  }
  if (cfg_.order == SufaOrder::unsorted) {
    partial[0] = run_m_;
    partial[1] = run_l_;
    std::copy(run_o_.begin(), run_o_.end(), o_out);
    return;
  }
  const std::size_t tiles = tile_m_.size();
  if (tiles == 1) {
    partial[0] = tile_m_[0];
    partial[1] = tile_l_[0];
    std::copy(tile_o_.begin(), tile_o_.begin() + d_, o_out);
    return;
  }
  const float m = *std::max_element(tile_m_.begin(), tile_m_.end());
  std::fill(o_out, o_out + d_, 0.0f);
  float l = 0.0f;
  for (std::size_t j = 0; j < tiles; ++j) {
    const float e = std::exp(tile_m_[j] - m);
    l += tile_l_[j] * e;
    const float* oj = tile_o_.data() + j * d_;
    for (std::size_t c = 0; c < d_; ++c) o_out[c] += oj[c] * e;
  }
  ops.compares += tiles - 1;
  ops.exps += tiles;
  ops.multiplies += tiles * (d_ + 1);
  ops.adds += (tiles - 1) * (d_ + 1);
  partial[0] = m;
  partial[1] = l;
}

bool sufa_partial_empty(const float* partial) {
  return partial[1] == 0.0f && std::isinf(partial[0]) && partial[0] < 0;
}

OpCounts sufa_merge_counts(std::size_t nonempty, std::size_t d) {
  OpCounts c;
  if (nonempty >= 2) {
    c.compares += nonempty - 1;
    c.exps += nonempty;
    c.multiplies += nonempty * (d + 1);
    c.adds += (nonempty - 1) * (d + 1);
  }
  c.divisions += d;
  return c;
}

void sufa_merge(const float* const* partials, std::size_t n, std::size_t d, double v_scale,
                float* out, OpCounts& ops) {
  if (out == nullptr || (n > 0 && partials == nullptr))
    throw std::invalid_argument("SU-FA merge: null partials or output");
  std::vector<const float*> live;
  for (std::size_t s = 0; s < n; ++s) {
    if (partials[s] == nullptr) throw std::invalid_argument("SU-FA merge: null partial");
    if (!sufa_partial_empty(partials[s])) live.push_back(partials[s]);
  }
  if (live.empty()) throw std::invalid_argument("SU-FA merge: every partial is empty (softmax of no keys)");
  float l = live[0][1];
  const float* o = live[0] + 2;
  std::vector<float> merged;
  if (live.size() > 1) {
    float m = live[0][0];
    for (const float* p : live) m = std::max(m, p[0]);
    merged.assign(d, 0.0f);
    l = 0.0f;
    for (const float* p : live) {
      const float e = std::exp(p[0] - m);
      l += p[1] * e;
      for (std::size_t c = 0; c < d; ++c) merged[c] += p[2 + c] * e;
    }
    o = merged.data();
  }
  const float vs = static_cast<float>(v_scale);
  for (std::size_t c = 0; c < d; ++c) out[c] = o[c] / l * vs;
  ops += sufa_merge_counts(live.size(), d);
}

OpCounts sufa_row_counts(const std::vector<std::uint32_t>& tile_sizes, std::size_t d,
                         const SufaConfig& cfg, std::uint64_t guard_fires) {
  if (d == 0) throw std::invalid_argument("SU-FA: head dimension d must be > 0");
  OpCounts c;
  std::uint64_t keys = 0, tiles = 0;
  for (std::uint32_t n : tile_sizes) {
    if (n == 0) continue;
    keys += n;
    ++tiles;
    if (cfg.order == SufaOrder::unsorted) {
      c.compares += n - 1;
      c.exps += n;
      if (tiles > 1) {  // correction of the running (m, l, o)
        ++c.compares;
        ++c.exps;
        ++c.rescales;
        c.multiplies += d + 1;
      }
    } else {
      c.exps += n - 1;
      if (cfg.guard != MaxGuard::off) c.compares += n - 1;
    }
  }
  const bool can_fire = cfg.order != SufaOrder::unsorted && cfg.guard == MaxGuard::compare_update;
  if (guard_fires > 0 && (!can_fire || guard_fires > keys - tiles))
    throw std::invalid_argument("SU-FA: " + std::to_string(guard_fires) +
                                " guard fires impossible for this order/guard and selection");
  c.rescales += guard_fires;
  c.exps += guard_fires;
  c.multiplies += guard_fires * (d + 1);
  if (cfg.order != SufaOrder::unsorted && tiles >= 2) {  // the end-of-row combine
    c.compares += tiles - 1;
    c.exps += tiles;
    c.multiplies += tiles * (d + 1);
    c.adds += (tiles - 1) * (d + 1);
  }
  c.macs += 2 * d * keys;
  c.adds += keys;
  if (keys > 0) c.divisions += d;
  return c;
}

void sufa_row(const SufaInputs& in, std::size_t qi, const RowSelection& sel,
              std::size_t pred_row_len, const SufaConfig& cfg, float* out, OpCounts& ops) {
  if (sel.tile_start.empty() || sel.tile_start.front() != 0 ||
      sel.tile_start.back() != sel.keys.size() ||
      !std::is_sorted(sel.tile_start.begin(), sel.tile_start.end()))
    throw std::invalid_argument("SU-FA: inconsistent RowSelection (tile_start must run from 0 "
                                "to keys.size() without decreasing)");
  SufaRowAccumulator row(in, qi, pred_row_len, cfg);
  for (std::size_t t = 0; t < sel.n_tiles(); ++t) row.add_tile(sel.tile_begin(t), sel.tile_size(t), ops);
  row.finish(out, ops);
}

}  // namespace star
