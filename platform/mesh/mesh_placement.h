// Puts a quantised attention-only layer into one memory controller of the mesh (the single-core
// head-major layout of soc/job_placement.h, shifted to the controller's global base) and reads
// the output back.
#pragma once

#include <cstdint>
#include <vector>

#include "mesh/spatial_star.h"
#include "star_core/core_job.h"

namespace star {

// Functional mode: writes Q, K, V into controller `m`; returns the job with global addresses.
CoreJob place_qkv_on_mesh(SpatialStar& mesh, const QuantizedQkv& qkv, const StarAlgoConfig& algo,
                          std::uint32_t m = 0);
// Functional mode: writes a full layer (X, W_q, W_k, W_v) into controller `m`, its tensors
// `region` bytes apart (soc/job_placement.h); returns the job with global addresses.
CoreJob place_layer_on_mesh(SpatialStar& mesh, const QuantizedLayer& layer, const StarAlgoConfig& algo,
                            const LayerShifts& shifts, std::uint32_t m = 0,
                            std::uint64_t region = std::uint64_t{256} << 20);
// Performance mode: the job alone.
CoreJob qkv_job_on_mesh(const MeshLayout& mesh, const QuantizedQkv& qkv, const StarAlgoConfig& algo,
                        std::uint32_t m = 0);
// O of every head (n_q x heads*d) from the controller holding it.
MatF read_mesh_output(const SpatialStar& mesh, const CoreJob& job);

// Spread placement: the layer is cut into its K/V groups (one K/V head and its query heads, a job
// with heads = group, kv_heads = 1); group g lives in controller g % M, its Q, K, V, O in regions
// `region` bytes apart starting at local offset (g / M) * 4 * region. The data must stay below
// half of each controller (the upper half holds the cores' scratch, see plan_layer).
// Performance mode: the group jobs alone, from a single job's shapes and scales.
std::vector<CoreJob> spread_layer(const CoreJob& job, const MeshLayout& mesh,
                                  std::uint64_t region = std::uint64_t{64} << 20);
// Functional mode: also writes each group's Q, K, V.
std::vector<CoreJob> place_qkv_spread(SpatialStar& mesh, const QuantizedQkv& qkv,
                                      const StarAlgoConfig& algo,
                                      std::uint64_t region = std::uint64_t{64} << 20);
// O of every head of the spread layer (n_q x heads*d).
MatF read_spread_output(const SpatialStar& mesh, const std::vector<CoreJob>& groups);

}  // namespace star
