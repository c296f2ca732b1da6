// On-demand Q/K/V generation (STAR-SPEC 2.1, KV-generation array): exact projections of token
// activations, K_i = x_i W_k and V_i = x_i W_v, computed only for the tokens some query selected
// (and Q for every query row). int8 x int8 products accumulate exactly in int32 and are truncated
// to the 16-bit formal-stage format with one shift per projection: sat16(acc >> shift).
#pragma once

#include <cstdint>
#include <vector>

#include "common/matrix.h"
#include "common/op_counts.h"

namespace star {

// A shift that can never saturate, known before any row is generated (on-demand generation
// cannot look at rows it has not made): from the Cauchy-Schwarz bound
// |x_i . w_j| <= max_i ||x_i|| * max_j ||w_j||. This is the firmware's per-layer calibration.
int projection_shift_bound(const MatI8& x, const MatI8& w);

// Generates rows `tokens` of sat16((X W) >> shift) into `out` (X.rows() x W.cols(); rows not
// listed are left as they are). Returns the array's work: d_model MACs per output value.
OpCounts generate_rows(const MatI8& x, const MatI8& w, int shift,
                       const std::vector<std::uint32_t>& tokens, MatI16& out);

// Every row (used for Q, which the prediction needs for all queries).
MatI16 generate_all_rows(const MatI8& x, const MatI8& w, int shift, OpCounts& ops);

}  // namespace star
