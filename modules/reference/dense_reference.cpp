#include "reference/dense_reference.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace star {
namespace {

void require_qk(const MatD& q, const MatD& k) {
  if (q.cols() == 0) throw std::invalid_argument("reference attention: head dim d must be > 0");
  if (k.rows() == 0) throw std::invalid_argument("reference attention: seq_len S must be > 0");
  require_shape(q.cols() == k.cols(), "reference attention: q is n_q x " +
                                          std::to_string(q.cols()) + " but k is S x " +
                                          std::to_string(k.cols()));
}

void require_v(const MatD& k, const MatD& v) {
  require_shape(v.rows() == k.rows(), "reference attention: k has " + std::to_string(k.rows()) +
                                          " rows but v has " + std::to_string(v.rows()));
}

// Scores of one query row against keys [0, count), from K transposed (d x S) so the inner loop
// runs over contiguous keys. Every entry point uses this one function, so scores(), the top-k sets
// and the attention outputs agree bit for bit (ties included).
void row_scores(const double* q_row, const MatD& kt, std::size_t count, std::vector<double>& out) {
  const std::size_t d = kt.rows();
  out.assign(count, 0.0);
  for (std::size_t c = 0; c < d; ++c) {
    const double qc = q_row[c];
    const double* kc = kt.row(c);
    for (std::size_t j = 0; j < count; ++j) out[j] += qc * kc[j];
  }
  const double root_d = std::sqrt(static_cast<double>(d));
  for (std::size_t j = 0; j < count; ++j) out[j] /= root_d;
}

// o = sum_j softmax(s)_j v[key(j)], keys given by `key_of` (identity for dense rows).
template <class KeyOf>
void softmax_times_v(const std::vector<double>& s, KeyOf key_of, const MatD& v, double* o) {
  const std::size_t dv = v.cols();
  std::fill(o, o + dv, 0.0);
  if (s.empty()) return;
  const double m = *std::max_element(s.begin(), s.end());
  double l = 0.0;
  for (std::size_t j = 0; j < s.size(); ++j) {
    const double p = std::exp(s[j] - m);
    l += p;
    const double* vj = v.row(key_of(j));
    for (std::size_t c = 0; c < dv; ++c) o[c] += p * vj[c];
  }
  for (std::size_t c = 0; c < dv; ++c) o[c] /= l;
}

}  // namespace

std::uint32_t default_causal_offset(std::size_t n_queries, std::size_t seq_len) {
  if (n_queries > seq_len)
    throw std::invalid_argument("causal attention: n_q = " + std::to_string(n_queries) +
                                " queries exceed seq_len S = " + std::to_string(seq_len));
  return static_cast<std::uint32_t>(seq_len - n_queries);
}

MatD scores(const MatD& q, const MatD& k) {
  require_qk(q, k);
  const MatD kt = transpose(k);
  MatD out(q.rows(), k.rows());
  std::vector<double> s;
  for (std::size_t i = 0; i < q.rows(); ++i) {
    row_scores(q.row(i), kt, k.rows(), s);
    std::copy(s.begin(), s.end(), out.row(i));
  }
  return out;
}

MatD dense_attention(const MatD& q, const MatD& k, const MatD& v, bool causal) {
  const std::uint32_t offset = causal ? default_causal_offset(q.rows(), k.rows()) : 0;
  return dense_attention(q, k, v, causal, offset);
}

MatD dense_attention(const MatD& q, const MatD& k, const MatD& v, bool causal,
                     std::uint32_t causal_offset) {
  require_qk(q, k);
  require_v(k, v);
  const MatD kt = transpose(k);
  MatD out(q.rows(), v.cols());
  std::vector<double> s;
  for (std::size_t i = 0; i < q.rows(); ++i) {
    row_scores(q.row(i), kt, visible_key_count(i, k.rows(), causal, causal_offset), s);
    softmax_times_v(
        s, [](std::size_t j) { return j; }, v, out.row(i));
  }
  return out;
}

MatD sparse_attention(const MatD& q, const MatD& k, const MatD& v,
                      const std::vector<std::vector<std::uint32_t>>& keys) {
  require_qk(q, k);
  require_v(k, v);
  require_shape(keys.size() == q.rows(), "sparse_attention: " + std::to_string(keys.size()) +
                                             " key sets for " + std::to_string(q.rows()) +
                                             " query rows");
  const std::size_t d = q.cols();
  const double root_d = std::sqrt(static_cast<double>(d));
  MatD out(q.rows(), v.cols());
  std::vector<char> seen(k.rows(), 0);
  std::vector<double> all, s;
  for (std::size_t i = 0; i < q.rows(); ++i) {
    const std::vector<std::uint32_t>& set = keys[i];
    for (std::uint32_t j : set) {
      if (j >= k.rows())
        throw std::invalid_argument("sparse_attention: row " + std::to_string(i) + " selects key " +
                                    std::to_string(j) + " but S = " + std::to_string(k.rows()));
      if (seen[j]) {
        for (std::uint32_t r : set) seen[r] = 0;
        throw std::invalid_argument("sparse_attention: row " + std::to_string(i) + " selects key " +
                                    std::to_string(j) + " twice");
      }
      seen[j] = 1;
    }
    for (std::uint32_t j : set) seen[j] = 0;
    // Same arithmetic as row_scores (sum over c in order, then / sqrt(d)), one key at a time.
    s.assign(set.size(), 0.0);
    for (std::size_t n = 0; n < set.size(); ++n) {
      double acc = 0.0;
      for (std::size_t c = 0; c < d; ++c) acc += q(i, c) * k(set[n], c);
      s[n] = acc / root_d;
    }
    softmax_times_v(
        s, [&set](std::size_t n) { return set[n]; }, v, out.row(i));
  }
  return out;
}

std::vector<std::vector<std::uint32_t>> exact_topk_sets(
    const MatD& q, const MatD& k, bool causal, const std::vector<std::uint32_t>& k_per_row) {
  const std::uint32_t offset = causal ? default_causal_offset(q.rows(), k.rows()) : 0;
  return exact_topk_sets(q, k, causal, k_per_row, offset);
}

std::vector<std::vector<std::uint32_t>> exact_topk_sets(const MatD& q, const MatD& k, bool causal,
                                                        const std::vector<std::uint32_t>& k_per_row,
                                                        std::uint32_t causal_offset) {
  require_qk(q, k);
  if (k_per_row.size() != 1 && k_per_row.size() != q.rows())
    throw std::invalid_argument("exact_topk_sets: k_per_row has " +
                                std::to_string(k_per_row.size()) +
                                " entries; need 1 or n_q = " + std::to_string(q.rows()));
  const MatD kt = transpose(k);
  std::vector<std::vector<std::uint32_t>> sets(q.rows());
  std::vector<double> s;
  std::vector<std::uint32_t> order;
  for (std::size_t i = 0; i < q.rows(); ++i) {
    const std::size_t visible = visible_key_count(i, k.rows(), causal, causal_offset);
    const std::size_t want =
        std::min<std::size_t>(visible, k_per_row.size() == 1 ? k_per_row[0] : k_per_row[i]);
    row_scores(q.row(i), kt, visible, s);
    order.resize(visible);
    std::iota(order.begin(), order.end(), 0u);
    // A strict total order (score descending, then index ascending) makes the set unique.
    const auto better = [&s](std::uint32_t a, std::uint32_t b) {
      return s[a] > s[b] || (s[a] == s[b] && a < b);
    };
    if (want < visible) std::nth_element(order.begin(), order.begin() + want, order.end(), better);
    sets[i].assign(order.begin(), order.begin() + want);
    std::sort(sets[i].begin(), sets[i].end());
  }
  return sets;
}

MatD as_double(const MatF& m) {
  MatD out(m.rows(), m.cols());
  std::copy(m.storage().begin(), m.storage().end(), out.storage().begin());
  return out;
}

}  // namespace star
