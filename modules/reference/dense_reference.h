// The independent truth every STAR model is checked against: softmax attention of one head in
// double precision, exact sparse attention over given key sets, and exact top-k key sets.
// Plain loops (no Eigen), so they share no code with the benchmark's Eigen reference.
#pragma once

#include <cstdint>
#include <vector>

#include "common/matrix.h"

namespace star {

// Causal position convention (the only place it is defined):
// query row i sits at sequence position i + offset and attends keys j <= i + offset.
// The default offset is S - n_q, so the last query row sees every key (a decode step or the tail
// of a prefill); with n_q == S the offset is 0 and query i sees keys 0..i (full self-attention).
// Throws std::invalid_argument when n_q > S (no default offset exists).
std::uint32_t default_causal_offset(std::size_t n_queries, std::size_t seq_len);
// Number of keys query row `row` may attend: keys [0, count). The whole row when not causal.
inline std::size_t visible_key_count(std::size_t row, std::size_t seq_len, bool causal,
                                     std::uint32_t offset) {
  if (!causal) return seq_len;
  const std::size_t last = row + offset;  // the query's own position
  return last + 1 < seq_len ? last + 1 : seq_len;
}

// Q K^T / sqrt(d) in double. q: n_q x d, k: S x d -> n_q x S.
MatD scores(const MatD& q, const MatD& k);

// softmax(Q K^T / sqrt(d)) V in double, one head. q: n_q x d, k, v: S x d -> n_q x d.
// causal uses default_causal_offset(n_q, S).
MatD dense_attention(const MatD& q, const MatD& k, const MatD& v, bool causal);
MatD dense_attention(const MatD& q, const MatD& k, const MatD& v, bool causal,
                     std::uint32_t causal_offset);

// Exact attention with the softmax restricted to keys[i] for row i (any order, no duplicates,
// indices < S; an empty set gives a zero output row). No causal mask: the set is the mask.
MatD sparse_attention(const MatD& q, const MatD& k, const MatD& v,
                      const std::vector<std::vector<std::uint32_t>>& keys);

// Exact top-k key sets by true score, returned in ascending key index. Ties go to the lower
// index. k_per_row has one entry per row, or a single entry used for every row; each k is
// clamped to the number of visible keys.
std::vector<std::vector<std::uint32_t>> exact_topk_sets(
    const MatD& q, const MatD& k, bool causal, const std::vector<std::uint32_t>& k_per_row);
std::vector<std::vector<std::uint32_t>> exact_topk_sets(const MatD& q, const MatD& k, bool causal,
                                                        const std::vector<std::uint32_t>& k_per_row,
                                                        std::uint32_t causal_offset);

// Widen a float matrix (generator output, model output) for the references.
MatD as_double(const MatF& m);

}  // namespace star
