// SU-FA: sorted-updating FlashAttention (STAR-SPEC 2.3), the untimed model of the formal stage.
//
// For one query row, exact softmax attention over the keys SADS selected, computed tile by tile
// the way the hardware does it, with the hardware's operation counts.
//
// Arithmetic [design]: the QK^T dot product is exact integer arithmetic (int16 x int16 summed in
// int64, as the 16-bit PE array with a wide accumulator); the real score (dot * score_scale) is
// rounded once to IEEE binary32, and the whole max/exp/accumulate/divide datapath is binary32
// (the EXP, adder and divider units are single precision). o accumulates V in its integer units;
// the output writer applies v_scale once per output value (a format conversion, not counted).
//
// Orders (how keys of one tile are fed):
//   descending  SU-FA: the tile's predicted top-1 first (SADS's order). The first key is the
//               reference m_j, its weight is exactly 1, so it needs no exp; every later key costs
//               one exp(s - m_j), one add into l_j, and no rescale unless the max guard fires.
//               After all tiles one combine: m = max_j m_j, l = sum_j l_j e^(m_j - m),
//               o = sum_j o_j e^(m_j - m), O = o / l.
//   ascending   the same datapath, keys fed in ascending *predicted* order (needs `predicted`):
//               with compare_update the reference rises with nearly every key -> rescales.
//   unsorted    FlashAttention-2: keys in ascending index order; per tile all scores, the tile
//               max, m_new = max(m, tile max), one correction exp(m - m_new) and a rescale of
//               (l, o) for every tile after the first, then one exp per key. No combine.
// Max guard (sorted orders; prediction may put a smaller key first):
//   compare_update  compare each later key with m_j; if larger, rescale (l_j, o_j) by
//                   exp(m_j - s) and set m_j = s. Exact.
//   subtract_max    the auxiliary unit evaluates exp(s - m_j) over an extended range (> 1 when
//                   s > m_j); one compare per key selects the range, never a rescale. Exact up to
//                   float range (s - m_j < 88).
//   off             no guard: the EXP unit's input is clamped at 0 (output <= 1), as its hardware
//                   range is; a wrong predicted maximum gives a wrong result (ablation only).
// Operation counts (added to OpCounts):
//   every key: 2d macs (d for QK^T on SA-1, d for PV on SA-2), 1 add (into l)
//   sorted orders: 1 exp per key except the tile's first; guard: 1 compare per key except the
//     first (compare_update, subtract_max); a compare_update fire: 1 rescale, 1 exp,
//     d + 1 multiplies (o_j and l_j); combine over T >= 2 non-empty tiles: T - 1 compares,
//     T exps, T (d + 1) multiplies, (T - 1)(d + 1) adds (a single tile needs no combine)
//   unsorted: 1 exp per key; per tile n - 1 compares for its max; each tile after the first adds
//     1 compare, 1 exp, 1 rescale, d + 1 multiplies
//   end of row: d divisions.
// Operations whose result is known by construction (exp(0) for the a-priori reference, rescaling
// an empty accumulator, combining one tile) are not performed and not counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/matrix.h"
#include "common/op_counts.h"
#include "common/selection.h"

namespace star {

enum class SufaOrder { descending, ascending, unsorted };  // unsorted = FlashAttention-2
enum class MaxGuard { compare_update, subtract_max, off };

// Throw std::invalid_argument listing the allowed names.
SufaOrder parse_sufa_order(const std::string& name);
MaxGuard parse_max_guard(const std::string& name);
std::string to_string(SufaOrder order);
std::string to_string(MaxGuard guard);

struct SufaConfig {
  SufaOrder order = SufaOrder::descending;
  MaxGuard guard = MaxGuard::compare_update;  // unused by `unsorted` (FA-2 tracks its own max)
};

// Formal-stage inputs of one head: 16-bit Q (rows = queries), K and V (rows = keys, only the
// rows that were generated need be valid), d = cols. Real score = (Q_i . K_j) * score_scale with
// the dot product exact in int64 (score_scale = s_q * s_k / sqrt(d)); real V = V * v_scale.
struct SufaInputs {
  const MatI16* q = nullptr;
  const MatI16* k = nullptr;
  const MatI16* v = nullptr;
  double score_scale = 1.0;
  double v_scale = 1.0;
  const std::int64_t* predicted = nullptr;  // optional predicted scores of this row (A_hat), used
                                            // only by `ascending` to order keys
};

// One query row processed tile by tile, so a SystemC block can feed it one key tile at a time:
// add_tile() for each tile of the row's selection (in tile order), then finish().
class SufaRowAccumulator {
 public:
  // Validates shapes, qi and scales; pred_row_len bounds the keys looked up in `predicted`.
  SufaRowAccumulator(const SufaInputs& in, std::size_t qi, std::size_t pred_row_len,
                     const SufaConfig& cfg);
  // One tile's selected keys, in SADS's order (predicted top-1, top-2, rest by index).
  void add_tile(const std::uint32_t* keys, std::size_t n, OpCounts& ops);
  // Combine, divide, dequantise: writes head_dim() floats. Throws if no key was added.
  void finish(float* out, OpCounts& ops);
  // The row's partial over the keys added so far, before the division (kv_split): writes
  // sufa_partial_floats(head_dim()) floats [m, l, o_0 .. o_{d-1}], the tiles combined as finish()
  // combines them. No key added: the empty partial (m = -inf, l = 0, o = 0).
  void finish_partial(float* partial, OpCounts& ops);
  std::size_t head_dim() const { return d_; }

 private:
  float score(std::uint32_t key) const;
  void add_sorted_tile(const std::uint32_t* keys, std::size_t n, OpCounts& ops);
  void add_unsorted_tile(const std::uint32_t* keys, std::size_t n, OpCounts& ops);

  SufaInputs in_;
  std::size_t qi_;
  std::size_t pred_len_;
  SufaConfig cfg_;
  std::size_t d_;
  std::size_t keys_seen_ = 0;
  // sorted orders: one (m_j, l_j, o_j) partial per non-empty tile
  std::vector<float> tile_m_, tile_l_, tile_o_;
  // unsorted (FA-2): the running (m, l, o)
  bool run_started_ = false;
  float run_m_ = 0.0f, run_l_ = 0.0f;
  std::vector<float> run_o_;
  std::vector<std::uint32_t> order_;  // scratch: the tile's keys in feeding order
  std::vector<float> scores_;         // scratch: the tile's scores
};

// Partial outputs (Spatial-STAR kv_split, ring): a row's SU-FA state over a key range, before the
// division, as d + 2 binary32 values [m, l, o_0 .. o_{d-1}]: m the reference (the largest
// score), l the sum of the weights relative to m, o the weighted sum of V rows in V's integer
// units. The empty partial (no key of the range visible to the row) is m = -inf, l = 0, o = 0.
constexpr std::size_t sufa_partial_floats(std::size_t d) { return d + 2; }
bool sufa_partial_empty(const float* partial);

// Merges the partials of one row in the order given and divides: m = max_s m_s,
// l = sum_s l_s e^(m_s - m), o = sum_s o_s e^(m_s - m), out = o / l * v_scale (d floats). Empty
// partials are skipped; a single non-empty partial needs no exp (so merging the one partial of
// a whole key range reproduces finish() bit for bit). Throws std::invalid_argument when every
// partial is empty. Counts sufa_merge_counts(non-empty partials, d).
void sufa_merge(const float* const* partials, std::size_t n, std::size_t d, double v_scale,
                float* out, OpCounts& ops);
// Operations of merging `nonempty` partials of one row: for n >= 2, n - 1 compares, n exps,
// n (d + 1) multiplies, (n - 1)(d + 1) adds; always d divisions.
OpCounts sufa_merge_counts(std::size_t nonempty, std::size_t d);

// The operation counts of one row without its data (performance mode): non-empty or empty tiles
// of the given sizes, head dimension d, and `guard_fires` compare_update fires assumed (wrong
// predicted maxima under `descending`, reference raises under `ascending`; data-dependent, so
// the caller supplies a statistic). Equals what sufa_row() adds for a row with that many fires.
OpCounts sufa_row_counts(const std::vector<std::uint32_t>& tile_sizes, std::size_t d,
                         const SufaConfig& cfg, std::uint64_t guard_fires = 0);

// One output row: exact softmax attention over the selected keys of query `qi`, computed the
// SU-FA way. Writes d floats to `out`, adds counts to `ops`. Throws std::invalid_argument on bad
// shapes, an inconsistent or empty selection, keys out of range, or `ascending` without
// `predicted`.
void sufa_row(const SufaInputs& in, std::size_t qi, const RowSelection& sel,
              std::size_t pred_row_len, const SufaConfig& cfg, float* out, OpCounts& ops);

}  // namespace star
