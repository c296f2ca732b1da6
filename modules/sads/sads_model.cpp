#include "sads/sads_model.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace star {

// How the fast path below equals the pass-by-pass core (tests/unit/test_sads.cpp checks it
// against a literal simulation on random rows with ties and clipping):
//   - every core step keeps the best core_outputs of (retained + new) under one total order
//     (score desc, index asc), so a pass returns exactly the best core_outputs remaining
//     candidates, and successive passes return the sub-segment in that order;
//   - radius clipping removes exactly the candidates with score < Max - r, the lowest ones, so
//     the kept set is the upper set "score >= Max - r" cut to the budget;
//   => the selection is the top-min(budget, feasible) keys in the total order. We find that set
//   by its threshold (the n-th largest score v*, by a radix histogram; keys above v* are in, and
//   of the keys equal to v* the lowest indices), O(valid) per sub-segment with no allocation, and
//   take the work from sads_pass_counts(), which replays only the pass arithmetic.

void validate(const SadsConfig& cfg) {
  if (!(cfg.keep > 0.0 && cfg.keep <= 1.0))
    throw std::invalid_argument("SADS keep ratio must be in (0, 1], got " +
                                std::to_string(cfg.keep));
  const std::uint32_t n = cfg.core_inputs;
  if (n < 4 || n > 1024 || (n & (n - 1)) != 0)
    throw std::invalid_argument("SADS core_inputs must be a power of two in [4, 1024], got " +
                                std::to_string(n));
  if (cfg.core_outputs < 1 || cfg.core_outputs >= n)
    throw std::invalid_argument("SADS core_outputs must be in [1, core_inputs), got " +
                                std::to_string(cfg.core_outputs));
}

std::uint32_t subsegment_budget(double keep, std::uint32_t valid) {
  if (!(keep > 0.0 && keep <= 1.0))
    throw std::invalid_argument("SADS keep ratio must be in (0, 1], got " + std::to_string(keep));
  if (valid == 0) return 0;
  const long r = std::lround(keep * static_cast<double>(valid));
  return static_cast<std::uint32_t>(std::clamp<long>(r, 1, static_cast<long>(valid)));
}

std::uint64_t bitonic_comparators(std::uint32_t core_inputs) {
  std::uint64_t stages = 0;
  while ((std::uint64_t{1} << stages) < core_inputs) ++stages;
  return std::uint64_t{core_inputs} / 2 * stages * (stages + 1) / 2;
}

namespace {

// sum_{i=0}^{n-1} floor((a i + b) / m) for a, b >= 0, m >= 1 (the classic Euclid-like
// reduction), so the sort steps of hundreds of passes cost a few divisions, not one per pass.
std::uint64_t floor_sum(std::uint64_t n, std::uint64_t m, std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  for (;;) {
    if (a >= m) {
      sum += n * (n - 1) / 2 * (a / m);
      a %= m;
    }
    if (b >= m) {
      sum += n * (b / m);
      b %= m;
    }
    const std::uint64_t y_max = a * n + b;
    if (y_max < m) return sum;
    n = y_max / m;
    b = y_max % m;
    std::swap(m, a);
  }
}

}  // namespace

OpCounts sads_pass_counts(std::uint32_t valid, std::uint32_t budget, std::uint32_t feasible,
                          const SadsConfig& cfg) {
  validate(cfg);
  const bool clipping = cfg.radius >= 0;
  if (budget > valid) throw std::invalid_argument("SADS budget exceeds the valid keys");
  if (feasible > valid || (valid > 0 && feasible == 0) || (!clipping && feasible != valid))
    throw std::invalid_argument("SADS feasible count must be in [1, valid] (== valid without radius)");
  OpCounts c;
  if (valid == 0 || budget == 0) return c;
  const std::uint64_t per_step = cfg.core_inputs - cfg.core_outputs;  // new values per step
  const std::uint64_t per_pass = cfg.core_outputs;                     // values kept per pass
  // Pass 1 streams every valid candidate and yields Max; it keeps min(per_pass, budget).
  std::uint64_t steps = (valid + per_step - 1) / per_step;
  const std::uint64_t taken = std::min<std::uint64_t>(per_pass, budget);
  if (clipping) c.compares += taken - 1;  // its outputs below Max, checked against Max - r
  if (taken < budget && feasible >= taken) {
    // Passes 2..P, P = ceil(n_sel / per_pass): pass p streams the feasible candidates not yet
    // kept, x = feasible - per_pass (p - 1), in ceil(x / per_step) steps. With j = P - p the
    // streamed counts are x0 + per_pass j (x0 = the last pass's), summed by floor_sum.
    if (clipping) c.compares += valid - per_pass;  // every remaining candidate, once, in pass 2
    const std::uint64_t n_sel = std::min(budget, feasible);
    const std::uint64_t passes = (n_sel + per_pass - 1) / per_pass;
    if (passes >= 2) {
      const std::uint64_t x0 = feasible - per_pass * (passes - 1);
      steps += floor_sum(passes - 1, per_step, per_pass, x0 + per_step - 1);
    }
  }
  c.sort_steps = steps;
  c.compares += steps * bitonic_comparators(cfg.core_inputs);
  return c;
}

namespace {

// Reused across calls so the per-row work allocates nothing per element.
std::vector<std::int64_t>& scratch_buffer(std::size_t n) {
  thread_local std::vector<std::int64_t> buf;
  if (buf.size() < n) buf.resize(n);
  return buf;
}

// The threshold of a top-n selection: the value v of rank r (0 = largest) among a[0..n), and how
// many values are greater than / equal to it.
struct Threshold {
  std::int64_t value;
  std::uint32_t greater;
  std::uint32_t equal;
};

// Radix selection on (x - lo) for a[0..n) with minimum lo and maximum hi: histogram the top 8
// bits of the remaining range, keep the bucket holding rank r, repeat on it; O(n) with small
// constants even for large or skewed ranges. Buckets are value ranges, so every value above the
// kept bucket is greater than v and every value equal to v is inside it.
Threshold kth_largest(const std::int64_t* a, std::size_t n, std::size_t r, std::int64_t lo,
                      std::int64_t hi) {
  std::vector<std::int64_t>& scratch = scratch_buffer(n);
  const std::int64_t* cur = a;
  std::size_t m = n;
  std::size_t greater = 0;  // values in buckets above the kept one, over all levels
  for (;;) {
    if (lo == hi)
      return {lo, static_cast<std::uint32_t>(greater), static_cast<std::uint32_t>(m)};
    if (m <= 32) {
      if (cur != scratch.data()) std::copy(cur, cur + m, scratch.begin());
      const auto b = scratch.begin();
      std::nth_element(b, b + static_cast<std::ptrdiff_t>(r), b + static_cast<std::ptrdiff_t>(m),
                       std::greater<>());
      const std::int64_t v = scratch[r];
      std::size_t equal = 0;
      for (std::size_t i = 0; i < m; ++i) {
        greater += scratch[i] > v;
        equal += scratch[i] == v;
      }
      return {v, static_cast<std::uint32_t>(greater), static_cast<std::uint32_t>(equal)};
    }
    const std::uint64_t base = static_cast<std::uint64_t>(lo);
    const std::uint64_t range = static_cast<std::uint64_t>(hi) - base;
    const int bits = 64 - __builtin_clzll(range);
    const int shift = bits > 8 ? bits - 8 : 0;
    std::uint32_t hist[256] = {};
    for (std::size_t i = 0; i < m; ++i) ++hist[(static_cast<std::uint64_t>(cur[i]) - base) >> shift];
    std::size_t above = 0;
    std::uint64_t bucket = 255;
    while (above + hist[bucket] <= r) above += hist[bucket--];
    r -= above;
    greater += above;
    std::size_t w = 0;
    std::int64_t new_lo = std::numeric_limits<std::int64_t>::max();
    std::int64_t new_hi = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = 0; i < m; ++i) {
      const std::int64_t x = cur[i];
      if (((static_cast<std::uint64_t>(x) - base) >> shift) == bucket) {
        scratch[w++] = x;  // in place is safe: w <= i
        new_lo = std::min(new_lo, x);
        new_hi = std::max(new_hi, x);
      }
    }
    cur = scratch.data();
    m = w;
    lo = new_lo;
    hi = new_hi;
  }
}

// Writes to out[0..n_sel), in ascending index order, the keys first + i of the n_sel best values
// of s[0..valid) (total order), lo < hi being their min and max; out has room for n_sel + 1.
// One histogram pass finds the bucket holding the threshold; one pass then emits the keys of the
// buckets above it and collects the bucket's own members, resolved by kth_largest() and merged in.
void emit_top(const std::int64_t* s, std::uint32_t valid, std::uint32_t n_sel, std::int64_t lo,
              std::int64_t hi, std::uint32_t first, std::uint32_t* out) {
  const std::uint64_t base = static_cast<std::uint64_t>(lo);
  const int bits = 64 - __builtin_clzll(static_cast<std::uint64_t>(hi) - base);
  const int shift = bits > 8 ? bits - 8 : 0;
  const auto digit = [base, shift](std::int64_t x) {
    return (static_cast<std::uint64_t>(x) - base) >> shift;
  };
  std::uint32_t hist[256] = {};
  for (std::uint32_t i = 0; i < valid; ++i) ++hist[digit(s[i])];
  std::uint32_t above = 0;
  std::uint64_t bucket = 255;
  while (above + hist[bucket] < n_sel) above += hist[bucket--];

  thread_local std::vector<std::int64_t> cand_val;
  thread_local std::vector<std::uint32_t> cand_idx;
  if (cand_val.size() < hist[bucket]) {
    cand_val.resize(hist[bucket]);
    cand_idx.resize(hist[bucket]);
  }
  std::uint32_t n = 0, c = 0;
  std::int64_t c_lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t c_hi = std::numeric_limits<std::int64_t>::min();
  for (std::uint32_t i = 0; i < valid; ++i) {
    const std::uint64_t dg = digit(s[i]);
    out[n] = first + i;
    n += static_cast<std::uint32_t>(dg > bucket);
    if (dg == bucket) {
      cand_val[c] = s[i];
      cand_idx[c++] = i;
      c_lo = std::min(c_lo, s[i]);
      c_hi = std::max(c_hi, s[i]);
    }
  }
  const std::uint32_t need = n_sel - above;  // >= 1, taken from the bucket
  const Threshold th = kth_largest(cand_val.data(), c, need - 1, c_lo, c_hi);
  std::uint32_t quota = need - th.greater;  // keys equal to the threshold: lowest index first
  std::uint32_t w = 0;
  for (std::uint32_t j = 0; j < c; ++j) {
    const bool eq = cand_val[j] == th.value;
    const bool take = (cand_val[j] > th.value) | (eq & (quota > 0));
    quota -= static_cast<std::uint32_t>(eq & take);
    cand_idx[w] = cand_idx[j];
    w += static_cast<std::uint32_t>(take);
  }
  // Merge the bucket's picks into the keys above it, from the back, keeping index order.
  std::int64_t a = static_cast<std::int64_t>(n) - 1, b = static_cast<std::int64_t>(w) - 1;
  for (std::int64_t k = a + b + 1; b >= 0; --k)
    out[k] = (a >= 0 && out[a] > first + cand_idx[b]) ? out[a--] : first + cand_idx[b--];
}

std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  return __builtin_sub_overflow(a, b, &r) ? std::numeric_limits<std::int64_t>::min() : r;
}

// The unchecked sub-segment selection (cfg already validated).
std::uint32_t select_subsegment(const std::int64_t* a_hat, std::uint32_t first, std::uint32_t len,
                                std::uint32_t n_valid, const SadsConfig& cfg,
                                std::vector<std::uint32_t>& keys, OpCounts& ops) {
  const std::uint32_t valid = n_valid <= first ? 0 : std::min(len, n_valid - first);
  if (valid == 0) return 0;
  const std::int64_t* s = a_hat + first;
  const std::uint32_t budget = subsegment_budget(cfg.keep, valid);

  std::int64_t lo = s[0], hi = s[0];
  for (std::uint32_t i = 1; i < valid; ++i) {
    lo = std::min(lo, s[i]);
    hi = std::max(hi, s[i]);
  }
  std::uint32_t feasible = valid;
  if (cfg.radius >= 0) {
    const std::int64_t floor = saturating_sub(hi, cfg.radius);
    feasible = 0;
    for (std::uint32_t i = 0; i < valid; ++i) feasible += s[i] >= floor;
  }
  ops += sads_pass_counts(valid, budget, feasible, cfg);
  const std::uint32_t n_sel = std::min(budget, feasible);

  const std::size_t base = keys.size();
  keys.resize(base + n_sel + 1);  // +1: the branch-free loops may write one past the end
  std::uint32_t* out = keys.data() + base;
  if (n_sel == valid || lo == hi) {  // everything, or the lowest indices of all-equal scores
    for (std::uint32_t i = 0; i < n_sel; ++i) out[i] = first + i;
  } else {
    emit_top(s, valid, n_sel, lo, hi, first, out);
  }
  // Put the top-1 and top-2 (first maximum, then the next in the total order) in front; the rest
  // stay in ascending index order.
  std::uint32_t p1 = 0, p2 = n_sel;
  for (std::uint32_t j = 1; j < n_sel; ++j) {
    const std::int64_t x = s[out[j] - first];
    if (x > s[out[p1] - first]) {
      p2 = p1;
      p1 = j;
    } else if (p2 == n_sel || x > s[out[p2] - first]) {
      p2 = j;
    }
  }
  if (n_sel >= 2) {
    const std::uint32_t lo_p = std::min(p1, p2), hi_p = std::max(p1, p2);
    std::rotate(out, out + hi_p, out + hi_p + 1);
    std::rotate(out, out + lo_p + 1, out + lo_p + 2);
    if (p1 > p2) std::swap(out[0], out[1]);
  } else {
    std::swap(out[0], out[p1]);
  }
  keys.resize(base + n_sel);
  return n_sel;
}

template <class T>
std::vector<std::uint32_t> exact_topk_impl(const T* scores, std::uint32_t n_valid,
                                           std::uint32_t k) {
  if (k > n_valid)
    throw std::invalid_argument("exact_topk: k = " + std::to_string(k) + " exceeds the " +
                                std::to_string(n_valid) + " valid keys");
  if (n_valid > 0 && scores == nullptr) throw std::invalid_argument("exact_topk: null scores");
  if constexpr (std::is_floating_point_v<T>) {
    for (std::uint32_t i = 0; i < n_valid; ++i)
      if (std::isnan(scores[i])) throw std::invalid_argument("exact_topk: NaN score");
  }
  std::vector<std::uint32_t> idx(n_valid);
  std::iota(idx.begin(), idx.end(), 0u);
  if (k < n_valid) {
    const auto before = [scores](std::uint32_t a, std::uint32_t b) {
      return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    };
    std::nth_element(idx.begin(), idx.begin() + k, idx.end(), before);
    idx.resize(k);
    std::sort(idx.begin(), idx.end());
  }
  return idx;
}

}  // namespace

std::uint32_t sads_select_subsegment(const std::int64_t* a_hat, std::uint32_t first,
                                     std::uint32_t len, std::uint32_t n_valid,
                                     const SadsConfig& cfg, std::vector<std::uint32_t>& keys,
                                     OpCounts& ops) {
  validate(cfg);
  if (a_hat == nullptr && n_valid > first && len > 0)
    throw std::invalid_argument("SADS: null predicted-score row");
  return select_subsegment(a_hat, first, len, n_valid, cfg, keys, ops);
}

RowSelection sads_select_row(const std::int64_t* a_hat, const KeyTiling& tiling,
                             std::uint32_t n_valid, const SadsConfig& cfg, OpCounts& ops) {
  validate(cfg);
  if (tiling.tile_keys == 0) throw std::invalid_argument("SADS: key tile length B_c must be > 0");
  if (n_valid > tiling.seq_len)
    throw std::invalid_argument("SADS: n_valid = " + std::to_string(n_valid) +
                                " exceeds the row length " + std::to_string(tiling.seq_len));
  if (a_hat == nullptr && n_valid > 0) throw std::invalid_argument("SADS: null predicted-score row");
  const std::uint32_t n_tiles = tiling.n_tiles();
  RowSelection sel;
  sel.tile_start.reserve(n_tiles + 1);
  std::size_t total = 0;
  for (std::uint32_t t = 0; t < n_tiles; ++t) {
    const std::uint32_t first = tiling.tile_first(t);
    const std::uint32_t valid = n_valid <= first ? 0 : std::min(tiling.tile_len(t), n_valid - first);
    total += subsegment_budget(cfg.keep, valid);
  }
  sel.keys.reserve(total + 1);
  for (std::uint32_t t = 0; t < n_tiles; ++t) {
    select_subsegment(a_hat, tiling.tile_first(t), tiling.tile_len(t), n_valid, cfg, sel.keys, ops);
    sel.tile_start.push_back(static_cast<std::uint32_t>(sel.keys.size()));
  }
  return sel;
}

std::vector<std::uint32_t> exact_topk(const std::int64_t* scores, std::uint32_t n_valid,
                                      std::uint32_t k) {
  return exact_topk_impl(scores, n_valid, k);
}

std::vector<std::uint32_t> exact_topk(const double* scores, std::uint32_t n_valid,
                                      std::uint32_t k) {
  return exact_topk_impl(scores, n_valid, k);
}

}  // namespace star
