#include "dlzs/dlzs_model.h"

#include <algorithm>
#include <array>
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

KeyPrediction predict_keys(const MatI8& x, const MatI8& w_k, Predictor p, int shift) {
  KeyAccumulators a = predict_key_accumulators(x, w_k, p, 0, x.rows());
  const Requantized r = shift < 0 ? requantize_to_i16(a.acc) : requantize_to_i16(a.acc, shift);
  return KeyPrediction{r.values, r.shift, a.ops};
}

ScorePrediction predict_scores(const MatI16& q, const MatI16& k, Predictor p, std::size_t q_begin,
                               std::size_t q_end, std::size_t k_begin, std::size_t k_end) {
  require_shape(q.cols() == k.cols(), "Q and K head dimensions differ");
  require_shape(q_begin <= q_end && q_end <= q.rows(), "query rows out of range");
  require_shape(k_begin <= k_end && k_end <= k.rows(), "key rows out of range");
  const std::size_t d = q.cols(), nq = q_end - q_begin, nk = k_end - k_begin;
  ScorePrediction out{MatI64(nq, nk), {}};

  // Key tile transposed (d x keys) in the variant's form: each query then streams rows of it.
  MatI32 kt(d, nk);
  std::vector<std::uint32_t> k_nonzero(d, 0);
  for (std::size_t j = 0; j < nk; ++j)
    for (std::size_t c = 0; c < d; ++c) {
      const std::int32_t v = exact_side(k(k_begin + j, c), p, 16);
      kt(c, j) = v;
      k_nonzero[c] += v != 0;
    }

  // Rounded-side values take few distinct values (+-2^p, or 16 int4 levels), so the columns of
  // one query that share a value are summed in int32 first (|sum| < 2^15 * d) and multiplied
  // once: exact integer arithmetic, bit-identical to the per-product shift-add.
  const bool grouped = p != Predictor::exact;
  constexpr std::size_t kChunk = 512;
  std::vector<std::int32_t> partial(kChunk);
  std::vector<std::pair<std::int32_t, std::uint32_t>> cols;  // (rounded q value, column)
  std::uint64_t nonzero = 0;
  for (std::size_t i = 0; i < nq; ++i) {
    const std::int16_t* qrow = q.row(q_begin + i);
    cols.clear();
    for (std::size_t c = 0; c < d; ++c) {
      const std::int32_t a = rounded_side(qrow[c], p, 16);
      if (a == 0) continue;  // zero eliminator
      cols.emplace_back(a, static_cast<std::uint32_t>(c));
      nonzero += k_nonzero[c];
    }
    std::sort(cols.begin(), cols.end());
    std::int64_t* acc = out.a_hat.row(i);
    for (std::size_t j0 = 0; j0 < nk; j0 += kChunk) {
      const std::size_t len = std::min(kChunk, nk - j0);
      std::size_t g = 0;
      while (g < cols.size()) {
        const std::int32_t a = cols[g].first;
        std::size_t h = g;
        if (grouped) {
          std::fill(partial.begin(), partial.begin() + len, 0);
          for (; h < cols.size() && cols[h].first == a; ++h) {
            const std::int32_t* krow = kt.row(cols[h].second) + j0;
            for (std::size_t j = 0; j < len; ++j) partial[j] += krow[j];
          }
          for (std::size_t j = 0; j < len; ++j) acc[j0 + j] += std::int64_t{partial[j]} * a;
        } else {
          const std::int32_t* krow = kt.row(cols[h].second) + j0;
          for (std::size_t j = 0; j < len; ++j) acc[j0 + j] += std::int64_t{krow[j]} * a;
          ++h;
        }
        g = h;
      }
    }
  }
  count_products(p, std::uint64_t(nq) * nk * d, nonzero, out.ops);
  // Q is converted online once per query row (with the first key tile); slzs also converts the
  // key tile it streams.
  if ((p == Predictor::dlzs || p == Predictor::slzs) && k_begin == 0)
    out.ops.lz_encodes += std::uint64_t(nq) * d;
  if (p == Predictor::slzs) out.ops.lz_encodes += std::uint64_t(nk) * d;
  return out;
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
