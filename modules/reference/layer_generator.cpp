// Full-layer inputs: token activations X and projection weights W_q, W_k, W_v whose products give
// the requested attention rows.
//
// Construction for the structured row types (dominant, spread, clustered, mixed). Every token is
// both a query and a key, so it gets a query-role vector a_i and a key-role vector b_i (the m-dim
// structure coordinates of attention_structure.h, built with n_q = S). X carries them along 2m
// random orthonormal directions F of the model space:
//     x_i = g_i + sum_c a_ic F_c + sum_c b_ic F_{m+c},        g_i ~ N(0, I)
// and each key/value group g owns a random m x head_dim orthonormal map P_g. The weights read the
// role directions and write them to the same head directions:
//     W_k(group g) = F_{m..2m}^T P_g + eps G_k,   W_q(head h) = F_{0..m}^T P_g(h) + eps G_q,h
// so W_q of a head is W_k of its group with the query-role directions in place of the key-role
// ones, plus independent noise. Then q_i = (a_i + n_i) P_g + eps x_i G_q and k_j = (b_j + n'_j) P_g
// + eps x_j G_k, and q_i . k_j = a_i . b_j (the designed boost) + noise, because P_g P_g^T = I.
// Dominant tokens are thus a few X rows with a large component along one shared direction F_m
// (the sink's key-role direction), as real attention sinks are tokens with massive activations.
// Every head shows the same row pattern (the role vectors are shared); heads differ in noise.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "reference/attention_structure.h"
#include "reference/deterministic_rng.h"
#include "reference/generators.h"

namespace star {
using namespace gen;
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("generate_layer: " + message);
}

// Noise weight of the projections: eps |x| ~ 0.7, so the noise part of q and k has a std near 0.7
// per head dim and the background scores stay near the attention-only generator's.
double projection_noise(std::uint32_t d_model) {
  return 0.7 / std::sqrt(static_cast<double>(d_model));
}

// w[:, col0 .. col0 + head_dim) = dirs[first .. first + m)^T * p + eps * N(0, 1).
void write_head_columns(MatD& w, std::size_t col0, const MatD& dirs, std::uint32_t first,
                        const MatD& p, double eps, DeterministicRng& rng) {
  const std::size_t m = p.rows(), head_dim = p.cols();
  for (std::size_t r = 0; r < w.rows(); ++r) {
    double* out = w.row(r) + col0;
    for (std::size_t c = 0; c < head_dim; ++c) out[c] = eps * rng.normal();
    for (std::size_t s = 0; s < m; ++s) {
      const double f = dirs(first + s, r);
      const double* prow = p.row(s);
      for (std::size_t c = 0; c < head_dim; ++c) out[c] += f * prow[c];
    }
  }
}

}  // namespace

LayerInputs generate_layer(RowType type, std::uint32_t seq_len, std::uint32_t d_model,
                           std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim,
                           std::uint64_t seed) {
  return generate_layer(type, seq_len, d_model, heads, kv_heads, head_dim, seed,
                        GeneratorOptions{});
}

LayerInputs generate_layer(RowType type, std::uint32_t seq_len, std::uint32_t d_model,
                           std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim,
                           std::uint64_t seed, const GeneratorOptions& options) {
  require(seq_len > 0 && d_model > 0 && heads > 0 && kv_heads > 0 && head_dim > 0,
          "seq_len, d_model, heads, kv_heads and head_dim must all be > 0");
  require(heads % kv_heads == 0, "heads (" + std::to_string(heads) +
                                     ") must be a multiple of kv_heads (" +
                                     std::to_string(kv_heads) + ")");
  to_string(type);  // rejects values outside the enum
  const double w_std = 1.0 / std::sqrt(static_cast<double>(d_model));
  LayerInputs out;
  DeterministicRng v_rng(seed, kStreamWv);
  out.w_v = to_float(gaussian_matrix(d_model, kv_heads * head_dim, w_std, v_rng));
  DeterministicRng x_rng(seed, kStreamX), q_rng(seed, kStreamWq), k_rng(seed, kStreamWk);
  MatD x = gaussian_matrix(seq_len, d_model, 1.0, x_rng);

  if (type == RowType::gaussian || type == RowType::outlier_channels) {
    if (type == RowType::outlier_channels) {
      // A few channels of X much larger than the rest, as in LLM.int8() (Dettmers et al. 2022):
      // ~6 outlier features per 4096 in models above 6.7B parameters.
      const std::uint32_t count =
          options.outlier_channels ? options.outlier_channels : std::max(1u, d_model / 512);
      require(options.outlier_scale > 0, "outlier_scale must be > 0");
      DeterministicRng ch_rng(seed, kStreamChannels);
      for (std::uint32_t c : random_channels(count, d_model, ch_rng))
        for (std::uint32_t i = 0; i < seq_len; ++i) x(i, c) *= options.outlier_scale;
    }
    out.x = to_float(x);
    out.w_q = to_float(gaussian_matrix(d_model, heads * head_dim, w_std, q_rng));
    out.w_k = to_float(gaussian_matrix(d_model, kv_heads * head_dim, w_std, k_rng));
    out.row_types.assign(seq_len, type);
    return out;
  }

  const StructureLayout layout = structure_layout(head_dim, options);
  const std::uint32_t m = layout.dims();
  require(d_model >= 2 * m, "d_model " + std::to_string(d_model) + " is too small for " +
                                std::to_string(2 * m) + " structure directions (head_dim " +
                                std::to_string(head_dim) + ")");
  const StructureCoords roles =
      make_structure(type, seq_len, seq_len, head_dim, layout, options, seed);
  DeterministicRng dir_rng(seed, kStreamDirections);
  const MatD dirs = random_orthonormal_rows(2 * m, d_model, dir_rng);  // F_0..m query, F_m..2m key
  for (std::uint32_t i = 0; i < seq_len; ++i) {
    double* xi = x.row(i);
    for (std::uint32_t s = 0; s < m; ++s) {
      const double a = roles.query_role(i, s), b = roles.key_role(i, s);
      if (a == 0.0 && b == 0.0) continue;
      const double* fq = dirs.row(s);
      const double* fk = dirs.row(m + s);
      for (std::uint32_t c = 0; c < d_model; ++c) xi[c] += a * fq[c] + b * fk[c];
    }
  }
  out.x = to_float(x);

  const double eps = projection_noise(d_model);
  DeterministicRng rot_rng(seed, kStreamRotation);
  std::vector<MatD> group_maps;
  for (std::uint32_t g = 0; g < kv_heads; ++g)
    group_maps.push_back(random_orthonormal_rows(m, head_dim, rot_rng));
  MatD w_k(d_model, kv_heads * head_dim), w_q(d_model, heads * head_dim);
  for (std::uint32_t g = 0; g < kv_heads; ++g)
    write_head_columns(w_k, std::size_t{g} * head_dim, dirs, m, group_maps[g], eps, k_rng);
  const std::uint32_t heads_per_group = heads / kv_heads;
  for (std::uint32_t h = 0; h < heads; ++h)
    write_head_columns(w_q, std::size_t{h} * head_dim, dirs, 0, group_maps[h / heads_per_group],
                       eps, q_rng);
  out.w_q = to_float(w_q);
  out.w_k = to_float(w_k);
  out.row_types = roles.row_types;
  return out;
}

}  // namespace star
