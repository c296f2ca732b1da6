// The shared core of the structured generators: low-dimensional "role" coordinates that give
// query rows their pattern (dominant, spread, clustered). A query row i gets a query-role vector
// a_i and a key j a key-role vector b_j in an m-dimensional structure space; the generators place
// them in the head space (attention-only) or in X and the weights (layer) so that q_i.k_j / sqrt(d)
// = a_i.b_j / sqrt(d) + background noise.
//
// Structure space, one orthogonal block per pattern:
//   dim 0                  sink direction: dominant queries point here; sink keys carry it
//   dims 1 .. topics       one per topic: a spread query points at its topic; topical keys carry it
//   next `regions` dims    hat-function position basis: key j carries hat(x_j), x_j its position in
//                          region units; a clustered query points at hat(c) for its centre c
// Blocks are orthogonal, so a query of one pattern ignores the other blocks of a key (mixed rows).
// Internal to the generators: namespace star::gen.
#pragma once

#include <cstdint>
#include <vector>

#include "common/matrix.h"
#include "reference/deterministic_rng.h"
#include "reference/generators.h"

namespace star::gen {

struct StructureLayout {
  std::uint32_t topics = 0;
  std::uint32_t regions = 0;
  std::uint32_t dims() const { return 1 + topics + regions; }
  std::uint32_t sink_dim() const { return 0; }
  std::uint32_t topic_dim(std::uint32_t t) const { return 1 + t; }
  std::uint32_t region_dim(std::uint32_t r) const { return 1 + topics + r; }
};

// Topics and regions that fit a head of dimension d and leave at least half of d for noise.
// Throws std::invalid_argument when d < 8.
StructureLayout structure_layout(std::uint32_t head_dim, const GeneratorOptions& options);

// The pattern of each of n query rows: all `type`, or for mixed the option fractions (exact
// counts by largest remainder, rows shuffled).
std::vector<RowType> assign_row_types(RowType type, std::uint32_t n_queries,
                                      const GeneratorOptions& options, DeterministicRng& rng);

struct StructureCoords {
  MatD query_role;  // n_q x m
  MatD key_role;    // S x m
  std::vector<RowType> row_types;
};
// Role coordinates scaled so a_i.b_j / sqrt(head_dim) equals the option boosts. `type` must be
// dominant, spread, clustered or mixed; only the key blocks some query uses are filled.
StructureCoords make_structure(RowType type, std::uint32_t n_queries, std::uint32_t seq_len,
                               std::uint32_t head_dim, const StructureLayout& layout,
                               const GeneratorOptions& options, std::uint64_t seed);

// `count` random orthonormal rows of length `dim` (count <= dim): Gram-Schmidt on Gaussian rows.
MatD random_orthonormal_rows(std::uint32_t count, std::uint32_t dim, DeterministicRng& rng);

// `count` distinct channels of [0, dim), chosen at random, in ascending order.
std::vector<std::uint32_t> random_channels(std::uint32_t count, std::uint32_t dim,
                                           DeterministicRng& rng);

// rows x cols of i.i.d. N(0, stddev^2), filled row-major from rng.
MatD gaussian_matrix(std::uint32_t rows, std::uint32_t cols, double stddev, DeterministicRng& rng);
MatF to_float(const MatD& m);

// Stream ids for mix_seed(): one per matrix or decision, so matrices do not share randomness.
enum GeneratorStream : std::uint64_t {
  kStreamQ = 1,
  kStreamK,
  kStreamV,
  kStreamX,
  kStreamRowTypes,
  kStreamStructure,
  kStreamRotation,
  kStreamChannels,
  kStreamWq,
  kStreamWk,
  kStreamWv,
  kStreamDirections,
  kStreamQueryRoles
};

}  // namespace star::gen
