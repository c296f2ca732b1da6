#include "reference/attention_structure.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "reference/dense_reference.h"

namespace star::gen {
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("generator: " + message);
}

void validate(const GeneratorOptions& o) {
  require(o.mixed_dominant >= 0 && o.mixed_spread >= 0 && o.mixed_clustered >= 0 &&
              o.mixed_dominant + o.mixed_spread + o.mixed_clustered > 0,
          "mixed fractions must be >= 0 with a positive sum");
  require(o.sink_tokens >= 1, "sink_tokens must be >= 1");
  require(o.max_topics >= 1, "max_topics must be >= 1");
  require(o.max_regions >= 2, "max_regions must be >= 2 (a hat basis needs two functions)");
  require(o.topic_key_fraction >= 0 && o.topic_key_fraction <= 1,
          "topic_key_fraction must be in [0, 1]");
  require(o.sink_boost >= 0 && o.topic_boost >= 0 && o.cluster_boost >= 0, "boosts must be >= 0");
}

// Weights of the hat basis at position x in [0, regions - 1]: linear interpolation between the two
// nearest basis functions, so a key's weights slide smoothly along the sequence.
void add_hat(double x, std::uint32_t regions, double scale, const StructureLayout& layout,
             double* row) {
  const std::uint32_t r0 = std::min<std::uint32_t>(static_cast<std::uint32_t>(x), regions - 1);
  const double f = x - r0;
  row[layout.region_dim(r0)] += scale * (1.0 - f);
  if (r0 + 1 < regions) row[layout.region_dim(r0 + 1)] += scale * f;
}

// Position in region units of sequence index j.
double region_coordinate(std::uint32_t j, std::uint32_t seq_len, std::uint32_t regions) {
  return seq_len > 1 ? static_cast<double>(j) * (regions - 1) / (seq_len - 1) : 0.0;
}

}  // namespace

StructureLayout structure_layout(std::uint32_t head_dim, const GeneratorOptions& options) {
  validate(options);
  require(head_dim >= 8,
          "structured row types need head_dim >= 8, got " + std::to_string(head_dim));
  StructureLayout layout;
  layout.topics = std::min(options.max_topics, std::max(2u, head_dim / 8));
  layout.regions = std::min(options.max_regions, std::max(2u, head_dim / 4));
  require(layout.dims() < head_dim, "head_dim " + std::to_string(head_dim) +
                                        " leaves no noise dims for " +
                                        std::to_string(layout.dims()) + " structure dims");
  return layout;
}

std::vector<RowType> assign_row_types(RowType type, std::uint32_t n_queries,
                                      const GeneratorOptions& options, DeterministicRng& rng) {
  if (type != RowType::mixed) return std::vector<RowType>(n_queries, type);
  validate(options);
  const RowType kinds[3] = {RowType::dominant, RowType::spread, RowType::clustered};
  const double share[3] = {options.mixed_dominant, options.mixed_spread, options.mixed_clustered};
  const double total = share[0] + share[1] + share[2];
  // Largest remainder: exact counts that sum to n_queries.
  std::uint32_t count[3];
  double remainder[3];
  std::uint32_t assigned = 0;
  for (int t = 0; t < 3; ++t) {
    const double exact = n_queries * share[t] / total;
    count[t] = static_cast<std::uint32_t>(std::floor(exact));
    remainder[t] = exact - count[t];
    assigned += count[t];
  }
  while (assigned < n_queries) {
    const int t = static_cast<int>(std::max_element(remainder, remainder + 3) - remainder);
    ++count[t];
    remainder[t] = -1.0;
    ++assigned;
  }
  std::vector<RowType> types;
  types.reserve(n_queries);
  for (int t = 0; t < 3; ++t) types.insert(types.end(), count[t], kinds[t]);
  for (std::size_t i = types.size(); i > 1; --i) std::swap(types[i - 1], types[rng.below(i)]);
  return types;
}

StructureCoords make_structure(RowType type, std::uint32_t n_queries, std::uint32_t seq_len,
                               std::uint32_t head_dim, const StructureLayout& layout,
                               const GeneratorOptions& options, std::uint64_t seed) {
  require(type == RowType::dominant || type == RowType::spread || type == RowType::clustered ||
              type == RowType::mixed,
          "make_structure needs a structured row type, got " + to_string(type));
  validate(options);
  StructureCoords c;
  DeterministicRng type_rng(seed, kStreamRowTypes);
  c.row_types = assign_row_types(type, n_queries, options, type_rng);
  const auto uses = [&c](RowType t) {
    return std::find(c.row_types.begin(), c.row_types.end(), t) != c.row_types.end();
  };
  const std::uint32_t m = layout.dims();
  c.query_role = MatD(n_queries, m);
  c.key_role = MatD(seq_len, m);
  // a.b / sqrt(d) = boost with |a| = |b| = sqrt(boost * sqrt(d)): the smallest role vectors, which
  // keep the extra noise they pick up (in the layer path) smallest.
  const double fourth_root_d = std::sqrt(std::sqrt(static_cast<double>(head_dim)));
  const auto role = [fourth_root_d](double boost) { return std::sqrt(boost) * fourth_root_d; };

  DeterministicRng keys(seed, kStreamStructure);
  if (uses(RowType::dominant)) {
    // Key 0 (the first token, the classic attention sink) plus distinct random others; strengths
    // vary so the sinks' order differs between rows.
    std::vector<std::uint32_t> sinks{0};
    const std::uint32_t want = std::min(options.sink_tokens, seq_len);
    while (sinks.size() < want) {
      const auto j = static_cast<std::uint32_t>(keys.below(seq_len));
      if (std::find(sinks.begin(), sinks.end(), j) == sinks.end()) sinks.push_back(j);
    }
    for (std::uint32_t j : sinks)
      c.key_role(j, layout.sink_dim()) = role(options.sink_boost) * (0.7 + 0.3 * keys.uniform());
  }
  if (uses(RowType::spread)) {
    // Topical keys at uniformly random positions: each topic's keys are scattered over the row.
    for (std::uint32_t j = 0; j < seq_len; ++j) {
      const bool topical = keys.uniform() < options.topic_key_fraction;
      const auto t = static_cast<std::uint32_t>(keys.below(layout.topics));
      const double strength = 0.5 + 0.5 * keys.uniform();
      if (topical) c.key_role(j, layout.topic_dim(t)) = role(options.topic_boost) * strength;
    }
  }
  if (uses(RowType::clustered))
    for (std::uint32_t j = 0; j < seq_len; ++j)
      add_hat(region_coordinate(j, seq_len, layout.regions), layout.regions,
              role(options.cluster_boost), layout, c.key_role.row(j));

  DeterministicRng queries(seed, kStreamQueryRoles);
  const std::uint32_t offset = n_queries <= seq_len ? default_causal_offset(n_queries, seq_len) : 0;
  for (std::uint32_t i = 0; i < n_queries; ++i) {
    double* a = c.query_role.row(i);
    switch (c.row_types[i]) {
      case RowType::dominant:
        a[layout.sink_dim()] = role(options.sink_boost) * (0.75 + 0.5 * queries.uniform());
        break;
      case RowType::spread:
        a[layout.topic_dim(static_cast<std::uint32_t>(queries.below(layout.topics)))] =
            role(options.topic_boost);
        break;
      case RowType::clustered: {
        // The window centre lies at or before the query's own position, so it stays visible under
        // the causal mask (and local windows in real models look backwards).
        const std::uint32_t pos = std::min(i + offset, seq_len - 1);
        const double centre = queries.uniform() * region_coordinate(pos, seq_len, layout.regions);
        add_hat(centre, layout.regions, 1.0, layout, a);
        double norm = 0.0;
        for (std::uint32_t r = 0; r < layout.regions; ++r)
          norm += a[layout.region_dim(r)] * a[layout.region_dim(r)];
        const double scale = role(options.cluster_boost) / std::sqrt(norm);
        for (std::uint32_t r = 0; r < layout.regions; ++r) a[layout.region_dim(r)] *= scale;
        break;
      }
      default:
        break;
    }
  }
  return c;
}

MatD gaussian_matrix(std::uint32_t rows, std::uint32_t cols, double stddev, DeterministicRng& rng) {
  MatD m(rows, cols);
  for (double& x : m.storage()) x = stddev * rng.normal();
  return m;
}

MatF to_float(const MatD& m) {
  MatF f(m.rows(), m.cols());
  std::transform(m.storage().begin(), m.storage().end(), f.storage().begin(),
                 [](double x) { return static_cast<float>(x); });
  return f;
}

MatD random_orthonormal_rows(std::uint32_t count, std::uint32_t dim, DeterministicRng& rng) {
  require(count <= dim, "cannot build " + std::to_string(count) + " orthonormal rows of length " +
                            std::to_string(dim));
  MatD rows(count, dim);
  for (std::uint32_t r = 0; r < count; ++r) {
    double* v = rows.row(r);
    for (;;) {
      for (std::uint32_t c = 0; c < dim; ++c) v[c] = rng.normal();
      // Modified Gram-Schmidt, applied twice: one pass leaves O(eps * cond) residue.
      for (int pass = 0; pass < 2; ++pass)
        for (std::uint32_t p = 0; p < r; ++p) {
          const double* u = rows.row(p);
          double dot = 0.0;
          for (std::uint32_t c = 0; c < dim; ++c) dot += v[c] * u[c];
          for (std::uint32_t c = 0; c < dim; ++c) v[c] -= dot * u[c];
        }
      double norm = 0.0;
      for (std::uint32_t c = 0; c < dim; ++c) norm += v[c] * v[c];
      norm = std::sqrt(norm);
      if (norm > 1e-6) {
        for (std::uint32_t c = 0; c < dim; ++c) v[c] /= norm;
        break;
      }
    }
  }
  return rows;
}

std::vector<std::uint32_t> random_channels(std::uint32_t count, std::uint32_t dim,
                                           DeterministicRng& rng) {
  require(count <= dim, std::to_string(count) + " outlier channels do not fit " +
                            std::to_string(dim) + " channels");
  std::vector<std::uint32_t> all(dim);
  std::iota(all.begin(), all.end(), 0u);
  for (std::uint32_t i = 0; i < count; ++i)  // partial Fisher-Yates
    std::swap(all[i], all[i + rng.below(dim - i)]);
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace star::gen
