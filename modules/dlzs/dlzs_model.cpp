#include "dlzs/dlzs_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "common/number_formats.h"

namespace star {

Predictor parse_predictor(const std::string& name) {
  if (name == "dlzs") return Predictor::dlzs;
  if (name == "slzs") return Predictor::slzs;
  if (name == "int4") return Predictor::int4;
  if (name == "exact") return Predictor::exact;
  throw std::invalid_argument("unknown predictor '" + name +
                              "' (allowed: dlzs, slzs, int4, exact)");
}

std::string to_string(Predictor p) {
  switch (p) {
    case Predictor::dlzs: return "dlzs";
    case Predictor::slzs: return "slzs";
    case Predictor::int4: return "int4";
    case Predictor::exact: return "exact";
  }
  return "?";
}

namespace {

// The two operands of a predicted product after the variant's conversion. Their integer
// product is bit-identical to what the processing element produces: multiplying by +-2^p is
// the shift, and the zero eliminator's zero is a zero operand.
inline std::int32_t lz_value(std::int32_t v) {
  return static_cast<std::int32_t>(lz_encode(v).value());
}
inline std::int32_t rounded_side(std::int32_t v, Predictor p, int bits) {
  switch (p) {
    case Predictor::dlzs:
    case Predictor::slzs: return lz_value(v);
    case Predictor::int4: return v >> (bits - 4);  // arithmetic shift: top 4 bits, truncated
    case Predictor::exact: return v;
  }
  return v;
}
inline std::int32_t exact_side(std::int32_t v, Predictor p, int bits) {
  switch (p) {
    case Predictor::dlzs: return v;  // the differential operand stays exact
    case Predictor::slzs: return lz_value(v);
    case Predictor::int4: return v >> (bits - 4);
    case Predictor::exact: return v;
  }
  return v;
}

// Adds the hardware's actions for `pairs` products of which `nonzero` have both operands
// non-zero.
void count_products(Predictor p, std::uint64_t pairs, std::uint64_t nonzero, OpCounts& ops) {
  ops.zero_skips += pairs - nonzero;
  if (p == Predictor::dlzs || p == Predictor::slzs) {
    ops.shifts += nonzero;
    ops.adds += nonzero;
  } else {
    ops.macs += nonzero;
  }
}

}  // namespace

std::int64_t predict_product(std::int32_t x, std::int32_t y, Predictor p, int x_bits, int y_bits) {
  return std::int64_t{exact_side(x, p, x_bits)} * rounded_side(y, p, y_bits);
}

KeyAccumulators predict_key_accumulators(const MatI8& x, const MatI8& w_k, Predictor p,
                                         std::size_t row_begin, std::size_t row_end) {
  require_shape(x.cols() == w_k.rows(), "X columns (d_model) must equal W_k rows");
  require_shape(row_begin <= row_end && row_end <= x.rows(), "key rows out of range");
  const std::size_t dm = w_k.rows(), d = w_k.cols();
  // W_k in the variant's form (for dlzs/slzs: the 4-bit LZ form held offline in the weight buffer).
  MatI32 wf(dm, d);
  std::vector<std::uint32_t> w_nonzero(dm, 0);
  for (std::size_t m = 0; m < dm; ++m)
    for (std::size_t j = 0; j < d; ++j) {
      wf(m, j) = rounded_side(w_k(m, j), p, 8);
      w_nonzero[m] += wf(m, j) != 0;
    }
  KeyAccumulators out{MatI32(row_end - row_begin, d), {}};
  std::uint64_t nonzero = 0;
  for (std::size_t i = row_begin; i < row_end; ++i) {
    std::int32_t* acc = out.acc.row(i - row_begin);
    for (std::size_t m = 0; m < dm; ++m) {
      const std::int32_t xv = exact_side(x(i, m), p, 8);
      if (xv == 0) continue;  // zero eliminator
      nonzero += w_nonzero[m];
      const std::int32_t* wrow = wf.row(m);
      for (std::size_t j = 0; j < d; ++j) acc[j] += xv * wrow[j];
    }
  }
  count_products(p, std::uint64_t(row_end - row_begin) * dm * d, nonzero, out.ops);
  if (p == Predictor::slzs) out.ops.lz_encodes += std::uint64_t(row_end - row_begin) * dm;
  return out;
}

int key_prediction_shift_bound(const MatI8& x, const MatI8& w_k, Predictor p) {
  require_shape(x.cols() == w_k.rows(), "X columns (d_model) must equal W_k rows");
  std::int64_t max_x2 = 0;
  for (std::size_t i = 0; i < x.rows(); ++i) {
    std::int64_t s = 0;
    for (std::size_t m = 0; m < x.cols(); ++m) {
      const std::int64_t v = exact_side(x(i, m), p, 8);
      s += v * v;
    }
    max_x2 = std::max(max_x2, s);
  }
  std::vector<std::int64_t> col2(w_k.cols(), 0);
  for (std::size_t m = 0; m < w_k.rows(); ++m)
    for (std::size_t j = 0; j < w_k.cols(); ++j) {
      const std::int64_t v = rounded_side(w_k(m, j), p, 8);
      col2[j] += v * v;
    }
  std::int64_t max_w2 = 0;
  for (std::int64_t v : col2) max_w2 = std::max(max_w2, v);
  return cauchy_schwarz_shift(max_x2, max_w2);
}

KeyPrediction predict_keys(const MatI8& x, const MatI8& w_k, Predictor p, int shift) {
  KeyAccumulators a = predict_key_accumulators(x, w_k, p, 0, x.rows());
  const Requantized r = shift < 0 ? requantize_to_i16(a.acc) : requantize_to_i16(a.acc, shift);
  return KeyPrediction{r.values, r.shift, a.ops};
}

namespace {

// The inner loops, kept apart so the compiler vectorises them (restrict: no aliasing).
template <class KT>
__attribute__((noinline)) void add_row(std::int32_t* __restrict acc, const KT* __restrict row,
                                       std::size_t len) {
  for (std::size_t j = 0; j < len; ++j) acc[j] += row[j];
}
template <class KT>
__attribute__((noinline)) void sub_row(std::int32_t* __restrict acc, const KT* __restrict row,
                                       std::size_t len) {
  for (std::size_t j = 0; j < len; ++j) acc[j] -= row[j];
}

// One query's non-zero rounded-side columns, grouped by magnitude: the columns of a group share
// the multiplier |a| (2^p for the LZ variants: the shift), each with its sign.
struct ColumnGroup {
  std::int32_t magnitude;
  std::vector<std::uint32_t> plus, minus;
};

// Integer additions are exact, so the columns of one query that share a shift amount are summed
// first in int32 (|sum| < 2^15 * d) and shifted once: bit-identical to the per-product
// shift-add, several times cheaper. `kt` is the key tile transposed (d x keys), stored as int16
// where the exact-side values fit (dlzs, int4, exact) and int32 otherwise (slzs: up to 2^15).
template <class KT>
void grouped_scores(const std::vector<std::vector<ColumnGroup>>& groups, const Matrix<KT>& kt,
                    std::size_t key_first, std::size_t nk, bool power_of_two, MatI64& a_hat) {
  constexpr std::size_t kChunk = 256;  // keys per pass: the tile's rows stay in L1
  std::int32_t partial[kChunk];
  for (std::size_t j0 = 0; j0 < nk; j0 += kChunk) {
    const std::size_t len = std::min(kChunk, nk - j0);
    for (std::size_t i = 0; i < groups.size(); ++i) {
      std::int64_t* acc = a_hat.row(i) + j0;
      for (const ColumnGroup& g : groups[i]) {
        std::fill(partial, partial + len, 0);
        for (std::uint32_t c : g.plus) add_row(partial, kt.row(c) + key_first + j0, len);
        for (std::uint32_t c : g.minus) sub_row(partial, kt.row(c) + key_first + j0, len);
        if (power_of_two) {
          const int p = __builtin_ctz(static_cast<unsigned>(g.magnitude));
          // A left shift of the two's-complement bits (defined for negative values too).
          for (std::size_t j = 0; j < len; ++j)
            acc[j] += static_cast<std::int64_t>(static_cast<std::uint64_t>(
                          static_cast<std::int64_t>(partial[j])) << p);
        } else {
          for (std::size_t j = 0; j < len; ++j) acc[j] += std::int64_t{partial[j]} * g.magnitude;
        }
      }
    }
  }
}

}  // namespace

PreparedKeys prepare_keys(const MatI16& k, Predictor p, std::size_t k_begin, std::size_t k_end) {
  require_shape(k_begin <= k_end && k_end <= k.rows(), "key rows out of range");
  require_shape(k.cols() <= 4096, "head dimension above 4096");
  const std::size_t d = k.cols(), nk = k_end - k_begin;
  PreparedKeys out;
  out.predictor = p;
  out.k_begin = k_begin;
  out.col_nonzero.assign(d, 0);
  // slzs rounds keys to +-2^p with p up to 15, which needs 32 bits; the others fit 16.
  const bool wide = p == Predictor::slzs;
  if (wide)
    out.kt32 = MatI32(d, nk);
  else
    out.kt16 = MatI16(d, nk);
  constexpr std::size_t kBlock = 64;  // blocked transpose: both sides stay in cache
  for (std::size_t j0 = 0; j0 < nk; j0 += kBlock)
    for (std::size_t c = 0; c < d; ++c)
      for (std::size_t j = j0; j < std::min(nk, j0 + kBlock); ++j) {
        const std::int32_t v = exact_side(k(k_begin + j, c), p, 16);
        if (wide)
          out.kt32(c, j) = v;
        else
          out.kt16(c, j) = static_cast<std::int16_t>(v);
        out.col_nonzero[c] += v != 0;
      }
  return out;
}

ScorePrediction predict_scores(const MatI16& q, const PreparedKeys& keys, std::size_t q_begin,
                               std::size_t q_end, std::size_t key_first, std::size_t key_end) {
  const Predictor p = keys.predictor;
  require_shape(q.cols() == keys.head_dim(), "Q and K head dimensions differ");
  require_shape(q_begin <= q_end && q_end <= q.rows(), "query rows out of range");
  key_end = std::min(key_end, keys.n_keys());
  require_shape(key_first <= key_end, "key range out of order");
  const std::size_t d = q.cols(), nq = q_end - q_begin, nk = key_end - key_first;
  ScorePrediction out{MatI64(nq, nk), {}};
  // Non-zero keys per column among the keys used (for the zero eliminator's count).
  const bool whole = key_first == 0 && key_end == keys.n_keys();
  std::vector<std::uint32_t> range_nonzero;
  if (!whole) {
    range_nonzero.assign(d, 0);
    for (std::size_t c = 0; c < d; ++c)
      for (std::size_t j = key_first; j < key_end; ++j)
        range_nonzero[c] += (keys.kt16.empty() ? keys.kt32(c, j) : keys.kt16(c, j)) != 0;
  }
  const std::vector<std::uint32_t>& col_nonzero = whole ? keys.col_nonzero : range_nonzero;
  std::uint64_t nonzero = 0;
  if (p == Predictor::exact) {
    // Arbitrary multipliers: a plain exact multiply-accumulate (an upper-bound ablation).
    for (std::size_t i = 0; i < nq; ++i) {
      std::int64_t* acc = out.a_hat.row(i);
      for (std::size_t c = 0; c < d; ++c) {
        const std::int64_t a = q(q_begin + i, c);
        if (a == 0) continue;
        nonzero += col_nonzero[c];
        const std::int16_t* krow = keys.kt16.row(c) + key_first;
        for (std::size_t j = 0; j < nk; ++j) acc[j] += a * krow[j];
      }
    }
  } else {
    std::vector<std::vector<ColumnGroup>> groups(nq);
    std::vector<std::pair<std::int32_t, std::int32_t>> cols;  // (|a|, signed column tag)
    for (std::size_t i = 0; i < nq; ++i) {
      cols.clear();
      for (std::size_t c = 0; c < d; ++c) {
        const std::int32_t a = rounded_side(q(q_begin + i, c), p, 16);
        if (a == 0) continue;  // zero eliminator
        nonzero += col_nonzero[c];
        cols.emplace_back(std::abs(a), a < 0 ? -1 - std::int32_t(c) : std::int32_t(c));
      }
      std::sort(cols.begin(), cols.end());
      for (const auto& [mag, tag] : cols) {
        if (groups[i].empty() || groups[i].back().magnitude != mag)
          groups[i].push_back(ColumnGroup{mag, {}, {}});
        if (tag >= 0)
          groups[i].back().plus.push_back(static_cast<std::uint32_t>(tag));
        else
          groups[i].back().minus.push_back(static_cast<std::uint32_t>(-1 - tag));
      }
    }
    const bool power_of_two = p != Predictor::int4;
    if (p == Predictor::slzs)
      grouped_scores(groups, keys.kt32, key_first, nk, power_of_two, out.a_hat);
    else
      grouped_scores(groups, keys.kt16, key_first, nk, power_of_two, out.a_hat);
  }
  count_products(p, std::uint64_t(nq) * nk * d, nonzero, out.ops);
  // Q is converted online once per query row (with the first key tile); slzs also converts the
  // key tile it streams.
  if ((p == Predictor::dlzs || p == Predictor::slzs) && keys.k_begin + key_first == 0)
    out.ops.lz_encodes += std::uint64_t(nq) * d;
  if (p == Predictor::slzs) out.ops.lz_encodes += std::uint64_t(nk) * d;
  return out;
}

ScorePrediction predict_scores(const MatI16& q, const MatI16& k, Predictor p, std::size_t q_begin,
                               std::size_t q_end, std::size_t k_begin, std::size_t k_end) {
  require_shape(q.cols() == k.cols(), "Q and K head dimensions differ");
  return predict_scores(q, prepare_keys(k, p, k_begin, k_end), q_begin, q_end);
}

MatI64 predict_scores_literal(const MatI16& q, const MatI16& k, Predictor p, std::size_t q_begin,
                              std::size_t q_end, std::size_t k_begin, std::size_t k_end) {
  require_shape(q.cols() == k.cols(), "Q and K head dimensions differ");
  MatI64 out(q_end - q_begin, k_end - k_begin);
  for (std::size_t i = q_begin; i < q_end; ++i)
    for (std::size_t j = k_begin; j < k_end; ++j) {
      std::int64_t acc = 0;
      for (std::size_t c = 0; c < q.cols(); ++c) {
        // x is the exact side (K / K_hat), y the rounded side (Q), as in phase 1.2.
        const std::int32_t kv = k(j, c), qv = q(i, c);
        switch (p) {
          case Predictor::dlzs: acc += lz_shift(kv, lz5_encode(qv)); break;
          case Predictor::slzs:
            if (kv != 0 && qv != 0) {
              const LzCode a = lz_encode(kv), b = lz_encode(qv);
              const std::int64_t mag = std::int64_t{1} << (a.pos + b.pos);
              acc += (a.negative != b.negative) ? -mag : mag;
            }
            break;
          case Predictor::int4: acc += std::int64_t{kv >> 12} * (qv >> 12); break;
          case Predictor::exact: acc += std::int64_t{kv} * qv; break;
        }
      }
      out(i - q_begin, j - k_begin) = acc;
    }
  return out;
}

}  // namespace star
