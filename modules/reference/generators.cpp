// Attention-only inputs (Q, K, V of one head) and the row-type names.
#include "reference/generators.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "reference/attention_structure.h"
#include "reference/deterministic_rng.h"

namespace star {
using namespace gen;
namespace {

struct NamedType {
  RowType type;
  const char* name;
};
constexpr NamedType kNames[] = {
    {RowType::gaussian, "gaussian"},   {RowType::outlier_channels, "outlier_channels"},
    {RowType::dominant, "dominant"},   {RowType::spread, "spread"},
    {RowType::clustered, "clustered"}, {RowType::mixed, "mixed"}};

// a (rows x n) * b (n x cols), plain loops in double.
MatD multiply(const MatD& a, const MatD& b) {
  MatD out(a.rows(), b.cols());
  for (std::size_t i = 0; i < a.rows(); ++i) {
    double* o = out.row(i);
    for (std::size_t n = 0; n < a.cols(); ++n) {
      const double x = a(i, n);
      const double* brow = b.row(n);
      for (std::size_t c = 0; c < b.cols(); ++c) o[c] += x * brow[c];
    }
  }
  return out;
}

void require_positive(std::uint32_t value, const char* name) {
  if (value == 0) throw std::invalid_argument(std::string("generator: ") + name + " must be > 0");
}

}  // namespace

RowType parse_row_type(const std::string& name) {
  for (const NamedType& n : kNames)
    if (name == n.name) return n.type;
  std::string allowed;
  for (const NamedType& n : kNames) allowed += (allowed.empty() ? "" : ", ") + std::string(n.name);
  throw std::invalid_argument("unknown row type '" + name + "'; allowed: " + allowed);
}

std::string to_string(RowType type) {
  for (const NamedType& n : kNames)
    if (n.type == type) return n.name;
  throw std::invalid_argument("to_string: invalid RowType value " +
                              std::to_string(static_cast<int>(type)));
}

const std::vector<RowType>& all_row_types() {
  static const std::vector<RowType> types = [] {
    std::vector<RowType> t;
    for (const NamedType& n : kNames) t.push_back(n.type);
    return t;
  }();
  return types;
}

QkvInputs generate_qkv(RowType type, std::uint32_t n_queries, std::uint32_t seq_len,
                       std::uint32_t d, std::uint64_t seed) {
  return generate_qkv(type, n_queries, seq_len, d, seed, GeneratorOptions{});
}

QkvInputs generate_qkv(RowType type, std::uint32_t n_queries, std::uint32_t seq_len,
                       std::uint32_t d, std::uint64_t seed, const GeneratorOptions& options) {
  require_positive(n_queries, "n_queries");
  require_positive(seq_len, "seq_len");
  require_positive(d, "head dim d");
  to_string(type);  // rejects values outside the enum
  QkvInputs out;
  DeterministicRng v_rng(seed, kStreamV);
  out.v = to_float(gaussian_matrix(seq_len, d, 1.0, v_rng));
  DeterministicRng q_rng(seed, kStreamQ), k_rng(seed, kStreamK);

  if (type == RowType::gaussian || type == RowType::outlier_channels) {
    MatD q = gaussian_matrix(n_queries, d, 1.0, q_rng);
    MatD k = gaussian_matrix(seq_len, d, 1.0, k_rng);
    if (type == RowType::outlier_channels) {
      // Keys carry per-channel outliers in real LLMs (KIVI, ICML 2024: "key cache has outlier
      // channels, value cache does not"); queries and values stay Gaussian.
      const std::uint32_t count =
          options.outlier_channels ? options.outlier_channels : std::max(1u, d / 32);
      if (!(options.outlier_scale > 0))
        throw std::invalid_argument("generator: outlier_scale must be > 0");
      DeterministicRng ch_rng(seed, kStreamChannels);
      for (std::uint32_t c : random_channels(count, d, ch_rng))
        for (std::uint32_t j = 0; j < seq_len; ++j) k(j, c) *= options.outlier_scale;
    }
    out.q = to_float(q);
    out.k = to_float(k);
    out.row_types.assign(n_queries, type);
    return out;
  }

  // Structured rows: [role coordinates | noise] in a head basis, then one shared random rotation so
  // the structure is not aligned with feature channels (scores are unchanged by it). The noise
  // std (d / (d - m))^(1/4) on each side keeps the background score std at 1.
  const StructureLayout layout = structure_layout(d, options);
  const StructureCoords roles = make_structure(type, n_queries, seq_len, d, layout, options, seed);
  const std::uint32_t m = layout.dims();
  const double noise = std::pow(static_cast<double>(d) / (d - m), 0.25);
  const auto place = [&](const MatD& role, DeterministicRng& rng) {
    MatD pre(role.rows(), d);
    for (std::size_t i = 0; i < role.rows(); ++i) {
      std::copy(role.row(i), role.row(i) + m, pre.row(i));
      for (std::uint32_t c = m; c < d; ++c) pre(i, c) = noise * rng.normal();
    }
    return pre;
  };
  DeterministicRng rot_rng(seed, kStreamRotation);
  const MatD rotation = random_orthonormal_rows(d, d, rot_rng);
  out.q = to_float(multiply(place(roles.query_role, q_rng), rotation));
  out.k = to_float(multiply(place(roles.key_role, k_rng), rotation));
  out.row_types = roles.row_types;
  return out;
}

MatF head_projection(const MatF& x, const MatF& w, std::uint32_t head, std::uint32_t head_dim) {
  require_shape(x.cols() == w.rows(), "head_projection: x has " + std::to_string(x.cols()) +
                                          " columns but w has " + std::to_string(w.rows()) +
                                          " rows");
  if (head_dim == 0 || (static_cast<std::size_t>(head) + 1) * head_dim > w.cols())
    throw std::invalid_argument("head_projection: head " + std::to_string(head) + " of dim " +
                                std::to_string(head_dim) + " exceeds w's " +
                                std::to_string(w.cols()) + " columns");
  MatF out(x.rows(), head_dim);
  std::vector<double> acc(head_dim);
  const std::size_t first = static_cast<std::size_t>(head) * head_dim;
  for (std::size_t i = 0; i < x.rows(); ++i) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (std::size_t r = 0; r < x.cols(); ++r) {
      const double xr = x(i, r);
      const float* wr = w.row(r) + first;
      for (std::uint32_t c = 0; c < head_dim; ++c) acc[c] += xr * wr[c];
    }
    for (std::uint32_t c = 0; c < head_dim; ++c) out(i, c) = static_cast<float>(acc[c]);
  }
  return out;
}

}  // namespace star
