#include "reference/accuracy_metrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "reference/dense_reference.h"

namespace star {

double topk_recall(const KeySets& selected, const KeySets& exact) {
  require_shape(selected.size() == exact.size(), "topk_recall: " + std::to_string(selected.size()) +
                                                     " selected rows vs " +
                                                     std::to_string(exact.size()) + " exact rows");
  double sum = 0.0;
  std::size_t rows = 0;
  std::vector<std::uint32_t> sel, ex, common;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    if (exact[i].empty()) continue;
    sel = selected[i];
    ex = exact[i];
    std::sort(sel.begin(), sel.end());
    sel.erase(std::unique(sel.begin(), sel.end()), sel.end());
    std::sort(ex.begin(), ex.end());
    ex.erase(std::unique(ex.begin(), ex.end()), ex.end());
    common.clear();
    std::set_intersection(sel.begin(), sel.end(), ex.begin(), ex.end(), std::back_inserter(common));
    sum += static_cast<double>(common.size()) / static_cast<double>(ex.size());
    ++rows;
  }
  return rows == 0 ? 1.0 : sum / static_cast<double>(rows);
}

double softmax_mass(const MatD& q, const MatD& k, bool causal, const KeySets& selected) {
  const std::uint32_t offset = causal ? default_causal_offset(q.rows(), k.rows()) : 0;
  return softmax_mass(q, k, causal, selected, offset);
}

double softmax_mass(const MatD& q, const MatD& k, bool causal, const KeySets& selected,
                    std::uint32_t offset) {
  require_shape(selected.size() == q.rows(), "softmax_mass: " + std::to_string(selected.size()) +
                                                 " key sets for " + std::to_string(q.rows()) +
                                                 " query rows");
  if (q.rows() == 0) return 0.0;
  std::vector<char> chosen(k.rows(), 0);
  double total = 0.0;
  // Score a block of query rows at a time, so S = n_q = 4096 needs 8 MB, not a 128 MB matrix.
  constexpr std::size_t kBlockRows = 256;
  MatD s;
  for (std::size_t i = 0; i < q.rows(); ++i) {
    if (i % kBlockRows == 0) {
      MatD block(std::min(kBlockRows, q.rows() - i), q.cols());
      std::copy(q.row(i), q.row(i) + block.size(), block.data());
      s = scores(block, k);
    }
    const std::size_t visible = visible_key_count(i, k.rows(), causal, offset);
    const double* row = s.row(i % kBlockRows);
    const double m = *std::max_element(row, row + visible);
    for (std::uint32_t j : selected[i]) {
      if (j >= k.rows())
        throw std::invalid_argument("softmax_mass: row " + std::to_string(i) + " selects key " +
                                    std::to_string(j) + " but S = " + std::to_string(k.rows()));
      chosen[j] = 1;
    }
    double l = 0.0, captured = 0.0;
    for (std::size_t j = 0; j < visible; ++j) {
      const double p = std::exp(row[j] - m);
      l += p;
      if (chosen[j]) captured += p;
    }
    for (std::uint32_t j : selected[i]) chosen[j] = 0;
    total += captured / l;
  }
  return total / static_cast<double>(q.rows());
}

OutputError output_error(const MatD& out, const MatD& ref) {
  require_shape(out.rows() == ref.rows() && out.cols() == ref.cols(),
                "output_error: output is " + std::to_string(out.rows()) + " x " +
                    std::to_string(out.cols()) + ", reference is " + std::to_string(ref.rows()) +
                    " x " + std::to_string(ref.cols()));
  OutputError e;
  double diff2 = 0.0, ref2 = 0.0;
  for (std::size_t n = 0; n < out.size(); ++n) {
    const double diff = out.data()[n] - ref.data()[n];
    e.max_abs = std::max(e.max_abs, std::fabs(diff));
    diff2 += diff * diff;
    ref2 += ref.data()[n] * ref.data()[n];
  }
  e.rel_fro = ref2 > 0.0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  return e;
}

OutputError output_error(const MatF& out, const MatD& ref) {
  return output_error(as_double(out), ref);
}

AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatD& out) {
  const std::uint32_t offset = causal ? default_causal_offset(q.rows(), k.rows()) : 0;
  return accuracy_report(q, k, v, causal, selected, out, offset);
}

AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatF& out) {
  return accuracy_report(q, k, v, causal, selected, as_double(out));
}

AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatF& out,
                               std::uint32_t causal_offset) {
  return accuracy_report(q, k, v, causal, selected, as_double(out), causal_offset);
}

AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatD& out,
                               std::uint32_t causal_offset) {
  require_shape(selected.size() == q.rows(), "accuracy_report: " + std::to_string(selected.size()) +
                                                 " key sets for " + std::to_string(q.rows()) +
                                                 " query rows");
  std::vector<std::uint32_t> sizes(selected.size());
  for (std::size_t i = 0; i < selected.size(); ++i)
    sizes[i] = static_cast<std::uint32_t>(selected[i].size());
  AccuracyReport r;
  const KeySets exact = exact_topk_sets(q, k, causal, sizes, causal_offset);
  r.recall = topk_recall(selected, exact);
  r.softmax_mass = softmax_mass(q, k, causal, selected, causal_offset);
  const OutputError vs_dense = output_error(out, dense_attention(q, k, v, causal, causal_offset));
  r.max_abs_vs_dense = vs_dense.max_abs;
  r.rel_fro_vs_dense = vs_dense.rel_fro;
  const OutputError vs_topk = output_error(out, sparse_attention(q, k, v, exact));
  r.max_abs_vs_topk = vs_topk.max_abs;
  r.rel_fro_vs_topk = vs_topk.rel_fro;
  return r;
}

KeySets key_sets(const std::vector<RowSelection>& rows) {
  KeySets sets(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) sets[i] = rows[i].keys;
  return sets;
}

}  // namespace star
