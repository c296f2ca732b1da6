// Helpers of the STAR core tests: place a quantised layer in the SoC's memory in the core's
// head-major layout, build the matching job, and read the output back.
#pragma once

#include <cstring>
#include <vector>

#include "../platform/platform_test_support.h"
#include "soc/star_soc.h"
#include "star_core/star_attention_model.h"

namespace star::test {

// Region bases, far apart (the memory is sparse).
constexpr std::uint64_t kRegion = std::uint64_t{256} << 20;

inline void put_heads(HbmMemory& mem, std::uint64_t base, const MatI16& packed, std::uint32_t heads,
                      std::uint32_t d) {
  std::vector<std::int16_t> buf(packed.rows() * d);
  for (std::uint32_t h = 0; h < heads; ++h) {
    for (std::size_t r = 0; r < packed.rows(); ++r)
      std::memcpy(&buf[r * d], packed.row(r) + h * d, d * 2);
    mem.load(base + std::uint64_t(h) * packed.rows() * d * 2, buf.data(), buf.size() * 2);
  }
}

inline void put_weights(HbmMemory& mem, std::uint64_t base, const MatI8& packed,
                        std::uint32_t heads, std::uint32_t d) {
  std::vector<std::int8_t> buf(packed.rows() * d);
  for (std::uint32_t h = 0; h < heads; ++h) {
    for (std::size_t r = 0; r < packed.rows(); ++r)
      std::memcpy(&buf[r * d], packed.row(r) + h * d, d);
    mem.load(base + std::uint64_t(h) * packed.rows() * d, buf.data(), buf.size());
  }
}

// O of every head, read back and packed like the model's output (n_q x heads*d).
inline MatF get_output(HbmMemory& mem, const CoreJob& job) {
  const std::uint32_t d = job.head_dim, nq = job.queries();
  MatF out(nq, std::size_t(job.heads) * d);
  std::vector<float> row(d);
  for (std::uint32_t h = 0; h < job.heads; ++h)
    for (std::uint32_t i = 0; i < nq; ++i) {
      mem.dump(job.o_row(h, i), row.data(), d * 4);
      std::memcpy(out.row(i) + h * d, row.data(), d * 4);
    }
  return out;
}

inline CoreJob attention_job(const QuantizedQkv& qkv, const StarAlgoConfig& algo) {
  CoreJob job;
  job.kind = JobKind::attention_only;
  job.seq_len = static_cast<std::uint32_t>(qkv.k.values.rows());
  job.n_queries = static_cast<std::uint32_t>(qkv.q.values.rows());
  job.heads = qkv.heads;
  job.kv_heads = qkv.kv_heads;
  job.head_dim = qkv.head_dim;
  job.algo = algo;
  job.q_addr = 1 * kRegion;
  job.k_addr = 2 * kRegion;
  job.v_addr = 3 * kRegion;
  job.o_addr = 4 * kRegion;
  job.scratch_addr = 5 * kRegion;
  job.q_scale = qkv.q.scale;
  job.k_scale = qkv.k.scale;
  job.v_scale = qkv.v.scale;
  return job;
}

inline void load_qkv(HbmMemory& mem, const CoreJob& job, const QuantizedQkv& qkv) {
  put_heads(mem, job.q_addr, qkv.q.values, qkv.heads, qkv.head_dim);
  put_heads(mem, job.k_addr, qkv.k.values, qkv.kv_heads, qkv.head_dim);
  put_heads(mem, job.v_addr, qkv.v.values, qkv.kv_heads, qkv.head_dim);
}

inline CoreJob layer_job(const QuantizedLayer& layer, const StarAlgoConfig& algo,
                         const LayerShifts& shifts) {
  CoreJob job;
  job.kind = JobKind::full_layer;
  job.seq_len = static_cast<std::uint32_t>(layer.x.values.rows());
  job.d_model = static_cast<std::uint32_t>(layer.x.values.cols());
  job.heads = layer.heads;
  job.kv_heads = layer.kv_heads;
  job.head_dim = layer.head_dim;
  job.algo = algo;
  job.x_addr = 1 * kRegion;
  job.wq_addr = 2 * kRegion;
  job.wk_addr = 3 * kRegion;
  job.wv_addr = 4 * kRegion;
  job.o_addr = 5 * kRegion;
  job.scratch_addr = 6 * kRegion;
  job.x_scale = layer.x.scale;
  job.wq_scale = layer.w_q.scale;
  job.wk_scale = layer.w_k.scale;
  job.wv_scale = layer.w_v.scale;
  job.shifts = shifts;
  return job;
}

inline void load_layer(HbmMemory& mem, const CoreJob& job, const QuantizedLayer& layer) {
  mem.load(job.x_addr, layer.x.values.data(), layer.x.values.size());
  put_weights(mem, job.wq_addr, layer.w_q.values, layer.heads, layer.head_dim);
  put_weights(mem, job.wk_addr, layer.w_k.values, layer.kv_heads, layer.head_dim);
  put_weights(mem, job.wv_addr, layer.w_v.values, layer.kv_heads, layer.head_dim);
}

}  // namespace star::test
