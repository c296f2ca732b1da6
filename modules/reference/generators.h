// Deterministic inputs for tests and benchmarks: attention-only (Q, K, V of one head) and
// full-layer (token activations X and the projection weights), with attention rows of the shapes
// SOFA observed in real models (STAR-SPEC 2.2). Same arguments and seed -> the same bytes on every
// platform (see deterministic_rng.h). docs/generators.md explains each construction and why.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/matrix.h"

namespace star {

// gaussian          Q, K, V i.i.d. N(0, 1): flat score rows, no structure (hardest for top-k).
// outlier_channels  gaussian, plus a few feature channels of K (X in a layer) much larger than
//                   the rest, as in real LLM activations: stresses per-tensor quantisation.
// dominant          a few keys (key 0, an attention sink, and others) score high for every query.
// spread            each query favours one "topic"; the keys carrying it are scattered in the row
// clustered         each query favours one contiguous window of key positions.
// mixed             each query row is dominant, spread or clustered, in given fractions.
enum class RowType { gaussian, outlier_channels, dominant, spread, clustered, mixed };
RowType parse_row_type(const std::string& name);  // throws std::invalid_argument listing the names
std::string to_string(RowType type);
const std::vector<RowType>& all_row_types();

// Knobs of the structured generators, all in "score units": a boost of B adds B to q.k / sqrt(d)
// for the favoured keys, against a background of standard deviation about 1.
struct GeneratorOptions {
  // mixed: fractions of query rows (normalised by their sum). SOFA: > 95 % of real rows are
  // dominant or spread, so clustered rows are a minority by default.
  double mixed_dominant = 0.45;
  double mixed_spread = 0.50;
  double mixed_clustered = 0.05;
  std::uint32_t sink_tokens = 4;  // dominant: favoured keys (key 0 is always one)
  double sink_boost = 8.0;
  std::uint32_t max_topics = 8;      // spread: topics (fewer when d is small)
  double topic_key_fraction = 0.25;  // spread: share of keys that carry a topic
  double topic_boost = 6.0;
  std::uint32_t max_regions = 16;  // clustered: positional basis functions (fewer when d is small)
  double cluster_boost = 8.0;      // at the window centre, falling linearly over ~S/regions keys
  std::uint32_t outlier_channels = 0;  // 0: max(1, d/32) attention-only, max(1, d_model/512) layer
  double outlier_scale = 8.0;          // magnitude of an outlier channel relative to the others
};

// One head: q is n_q x d, k and v are S x d. row_types[i] says how query row i was built.
struct QkvInputs {
  MatF q, k, v;
  std::vector<RowType> row_types;
};
QkvInputs generate_qkv(RowType type, std::uint32_t n_queries, std::uint32_t seq_len,
                       std::uint32_t d, std::uint64_t seed);
QkvInputs generate_qkv(RowType type, std::uint32_t n_queries, std::uint32_t seq_len,
                       std::uint32_t d, std::uint64_t seed, const GeneratorOptions& options);

// A layer: x is S x d_model; w_q is d_model x (heads * head_dim); w_k, w_v are
// d_model x (kv_heads * head_dim). Query head h uses key/value head h / (heads / kv_heads).
// Every token is a query too: row_types[i] is token i's query pattern (the same in every head).
struct LayerInputs {
  MatF x, w_q, w_k, w_v;
  std::vector<RowType> row_types;
};
LayerInputs generate_layer(RowType type, std::uint32_t seq_len, std::uint32_t d_model,
                           std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim,
                           std::uint64_t seed);
LayerInputs generate_layer(RowType type, std::uint32_t seq_len, std::uint32_t d_model,
                           std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim,
                           std::uint64_t seed, const GeneratorOptions& options);

// x * w[:, head * head_dim, (head + 1) * head_dim), accumulated in double: one head's Q, K or V.
MatF head_projection(const MatF& x, const MatF& w, std::uint32_t head, std::uint32_t head_dim);

}  // namespace star
