// SADS: sphere-search-aided distributed sorting (STAR-SPEC 2.2), the untimed bit-true model.
//
// One row of predicted scores A_hat is cut into sub-segments (the key tiles of B_c keys). Each
// sub-segment independently keeps its own top-(budget) keys; there is no global merge, the union
// is the row's selection. The hardware does this with a 16-to-4 bitonic sort core that works in
// passes over the sub-segment's remaining candidates:
//   - a pass streams the candidates 12 at a time into the core, which keeps its 4 best of the
//     16 inputs (12 new + 4 retained): one sort step per core invocation; at the end of the pass
//     the 4 retained values are the 4 best remaining candidates and join the kept set;
//   - the first pass yields the sub-segment maximum Max, which fixes the feasible range
//     [Max - r, Max] (r = spherical radius). The clipping unit checks the first pass's other
//     outputs and, while the second pass streams, every remaining candidate once; values below
//     Max - r are dropped, so passes 2, 3, ... stream only the feasible candidates;
//   - passes repeat until the budget is reached or no feasible candidate is left.
// (STAR-SPEC's clipping bound is max(Max - r, current minimum of the kept set); the second term
// is the core's own compare against its retained values, so it changes no selection and is
// already inside the sort-step count.)
// The comparator is a total order: higher score first, and on equal scores the lower key index
// first, so the result is deterministic and every tie is broken toward the lower index.
// [design] If the radius leaves fewer feasible keys than the budget, the sub-segment selects
// fewer keys: that is what the hardware does (it has nothing else to return).
// [design] A pass's kept values all come out of the bitonic network sorted, so the top-1 and
// top-2 are known in order; the rest are emitted in ascending key index (RowSelection's contract).
#pragma once

#include <cstdint>
#include <vector>

#include "common/op_counts.h"
#include "common/selection.h"

namespace star {

struct SadsConfig {
  double keep = 0.25;              // keep ratio k in (0, 1]
  std::int64_t radius = -1;        // spherical radius r in A_hat units; < 0 disables clipping
  std::uint32_t core_inputs = 16;  // bitonic sort core: 16 in ...
  std::uint32_t core_outputs = 4;  // ... 4 out (12 new values + 4 retained per step)
};

// Throws std::invalid_argument naming the bad field (keep outside (0, 1], core_inputs not a power
// of two in [4, 1024], core_outputs outside [1, core_inputs)).
void validate(const SadsConfig& cfg);

// Keys of a sub-segment with `valid` candidate keys that SADS keeps: 0 if valid == 0, else
// clamp(lround(keep * valid), 1, valid).
std::uint32_t subsegment_budget(double keep, std::uint32_t valid);

// Comparators of one step of the sort core: a full bitonic sorting network of n = core_inputs
// inputs has (n / 2) * log2(n) * (log2(n) + 1) / 2 compare-exchange units (80 for n = 16).
// [design] we count the full network: a pruned 16-to-4 network needs fewer, but the published
// design gives no number.
std::uint64_t bitonic_comparators(std::uint32_t core_inputs);

// Work of one sub-segment, derived from the pass structure alone (also usable by a
// performance-mode model that has no data): `valid` candidates, `budget` keys wanted,
// `feasible` candidates with score >= Max - r (== valid when the radius is off).
// Pass 1 streams `valid` values; pass p >= 2 streams the feasible candidates not yet kept;
// a pass of c values costs ceil(c / (core_inputs - core_outputs)) sort steps of
// bitonic_comparators() compares each; the clipping unit adds one compare per value it checks.
OpCounts sads_pass_counts(std::uint32_t valid, std::uint32_t budget, std::uint32_t feasible,
                          const SadsConfig& cfg);

// Selects one sub-segment: keys [first, first + len) of the row, of which those >= n_valid are
// masked. Appends the selection to `keys` (top-1, top-2, then the rest in ascending index) and
// adds the work to `ops`. `a_hat` points at the row's key 0. Returns the number appended.
std::uint32_t sads_select_subsegment(const std::int64_t* a_hat, std::uint32_t first,
                                     std::uint32_t len, std::uint32_t n_valid,
                                     const SadsConfig& cfg, std::vector<std::uint32_t>& keys,
                                     OpCounts& ops);

// Select within one row of predicted scores a_hat[0..seq_len) cut by `tiling` into sub-segments;
// keys >= n_valid are masked (causal: n_valid = query position + 1; else seq_len).
// Returns the RowSelection: per tile, predicted top-1 first, top-2 second, the rest in ascending
// key index (tiles with nothing selected have an empty range). Adds the work to `ops`.
RowSelection sads_select_row(const std::int64_t* a_hat, const KeyTiling& tiling,
                             std::uint32_t n_valid, const SadsConfig& cfg, OpCounts& ops);

// Exact global top-k of a row (ties: lower index wins), for comparison; returns indices in
// ascending index order. Throws if k > n_valid or a double score is NaN.
std::vector<std::uint32_t> exact_topk(const std::int64_t* scores, std::uint32_t n_valid,
                                      std::uint32_t k);
std::vector<std::uint32_t> exact_topk(const double* scores, std::uint32_t n_valid, std::uint32_t k);

}  // namespace star
