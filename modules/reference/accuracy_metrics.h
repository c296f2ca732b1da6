// How far a sparse-attention result is from the truth: recall of the selected key sets against the
// exact top-k, the dense softmax mass the selection captures, and the output error against dense
// attention and against exact attention over the exact top-k (the best any k-sized selection can
// do).
#pragma once

#include <cstdint>
#include <vector>

#include "common/matrix.h"
#include "common/selection.h"

namespace star {

using KeySets = std::vector<std::vector<std::uint32_t>>;

// Per row |selected ∩ exact| / |exact|, averaged over rows whose exact set is non-empty
// (1.0 when no row has one). Sets in any order; duplicates in `selected` count once.
double topk_recall(const KeySets& selected, const KeySets& exact);

// Per row: sum over the selected keys of the dense (causally masked) softmax probabilities,
// averaged over rows. Keys the causal mask hides contribute 0.
double softmax_mass(const MatD& q, const MatD& k, bool causal, const KeySets& selected);
double softmax_mass(const MatD& q, const MatD& k, bool causal, const KeySets& selected,
                    std::uint32_t causal_offset);

// Output error: max |O - R| and ||O - R||_F / ||R||_F (the absolute ||O - R||_F when R is all
// zero).
struct OutputError {
  double max_abs = 0.0;
  double rel_fro = 0.0;
};
OutputError output_error(const MatD& out, const MatD& ref);
OutputError output_error(const MatF& out, const MatD& ref);

struct AccuracyReport {
  double recall = 0.0;            // vs the exact top-k sets of the same per-row sizes
  double softmax_mass = 0.0;      // dense softmax probability captured by the selection
  double max_abs_vs_dense = 0.0;  // output vs dense attention
  double rel_fro_vs_dense = 0.0;
  double max_abs_vs_topk = 0.0;  // output vs exact attention over the exact top-k sets
  double rel_fro_vs_topk = 0.0;
};

// The exact top-k reference uses, per row, k = the size of that row's selection. Causal uses the
// default offset of dense_reference.h unless one is given (e.g. a block of 128 queries in the
// middle of a prefill: offset = the block's first position).
AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatD& out);
AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatF& out);
AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatD& out,
                               std::uint32_t causal_offset);
AccuracyReport accuracy_report(const MatD& q, const MatD& k, const MatD& v, bool causal,
                               const KeySets& selected, const MatF& out,
                               std::uint32_t causal_offset);

// The plain key sets of SADS row selections (tile grouping dropped).
KeySets key_sets(const std::vector<RowSelection>& rows);

}  // namespace star
