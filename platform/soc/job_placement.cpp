#include "soc/job_placement.h"

#include <cstring>
#include <stdexcept>
#include <vector>

namespace star {

namespace {

template <class T>
void put_heads(HbmMemory& mem, std::uint64_t base, const Matrix<T>& packed, std::uint32_t heads,
               std::uint32_t d, std::uint64_t region) {
  if (std::uint64_t(packed.size()) * sizeof(T) > region)
    throw std::invalid_argument("tensor of " + std::to_string(packed.size() * sizeof(T)) +
                                " bytes does not fit its " + std::to_string(region) + "-byte region");
  std::vector<T> buf(packed.rows() * d);
  for (std::uint32_t h = 0; h < heads; ++h) {
    for (std::size_t r = 0; r < packed.rows(); ++r)
      std::memcpy(&buf[r * d], packed.row(r) + std::size_t(h) * d, d * sizeof(T));
    mem.load(base + std::uint64_t(h) * packed.rows() * d * sizeof(T), buf.data(),
             buf.size() * sizeof(T));
  }
}

}  // namespace

CoreJob qkv_job(const QuantizedQkv& qkv, const StarAlgoConfig& algo, std::uint64_t base,
                std::uint64_t region) {
  CoreJob job;
  job.kind = JobKind::attention_only;
  job.seq_len = static_cast<std::uint32_t>(qkv.k.values.rows());
  job.n_queries = static_cast<std::uint32_t>(qkv.q.values.rows());
  job.heads = qkv.heads;
  job.kv_heads = qkv.kv_heads;
  job.head_dim = qkv.head_dim;
  job.algo = algo;
  job.q_addr = base + 1 * region;
  job.k_addr = base + 2 * region;
  job.v_addr = base + 3 * region;
  job.o_addr = base + 4 * region;
  job.scratch_addr = base + 5 * region;
  job.q_scale = qkv.q.scale;
  job.k_scale = qkv.k.scale;
  job.v_scale = qkv.v.scale;
  return job;
}

CoreJob place_qkv(HbmMemory& mem, const QuantizedQkv& qkv, const StarAlgoConfig& algo,
                  std::uint64_t base, std::uint64_t region) {
  const CoreJob job = qkv_job(qkv, algo, base, region);
  put_heads(mem, job.q_addr, qkv.q.values, qkv.heads, qkv.head_dim, region);
  put_heads(mem, job.k_addr, qkv.k.values, qkv.kv_heads, qkv.head_dim, region);
  put_heads(mem, job.v_addr, qkv.v.values, qkv.kv_heads, qkv.head_dim, region);
  return job;
}

CoreJob place_layer(HbmMemory& mem, const QuantizedLayer& layer, const StarAlgoConfig& algo,
                    const LayerShifts& shifts, std::uint64_t base, std::uint64_t region) {
  CoreJob job;
  job.kind = JobKind::full_layer;
  job.seq_len = static_cast<std::uint32_t>(layer.x.values.rows());
  job.d_model = static_cast<std::uint32_t>(layer.x.values.cols());
  job.heads = layer.heads;
  job.kv_heads = layer.kv_heads;
  job.head_dim = layer.head_dim;
  job.algo = algo;
  job.x_addr = base + 1 * region;
  job.wq_addr = base + 2 * region;
  job.wk_addr = base + 3 * region;
  job.wv_addr = base + 4 * region;
  job.o_addr = base + 5 * region;
  job.scratch_addr = base + 6 * region;
  job.x_scale = layer.x.scale;
  job.wq_scale = layer.w_q.scale;
  job.wk_scale = layer.w_k.scale;
  job.wv_scale = layer.w_v.scale;
  job.shifts = shifts;
  if (layer.x.values.size() > region)
    throw std::invalid_argument("X does not fit its " + std::to_string(region) + "-byte region");
  mem.load(job.x_addr, layer.x.values.data(), layer.x.values.size());
  put_heads(mem, job.wq_addr, layer.w_q.values, layer.heads, layer.head_dim, region);
  put_heads(mem, job.wk_addr, layer.w_k.values, layer.kv_heads, layer.head_dim, region);
  put_heads(mem, job.wv_addr, layer.w_v.values, layer.kv_heads, layer.head_dim, region);
  return job;
}

MatF read_output(const HbmMemory& mem, const CoreJob& job) {
  const std::uint32_t d = job.head_dim, nq = job.queries();
  MatF out(nq, std::size_t(job.heads) * d);
  std::vector<float> block(std::size_t(nq) * d);
  for (std::uint32_t h = 0; h < job.heads; ++h) {
    mem.dump(job.o_row(h, 0), block.data(), block.size() * sizeof(float));
    for (std::uint32_t i = 0; i < nq; ++i)
      std::memcpy(out.row(i) + std::size_t(h) * d, &block[std::size_t(i) * d], d * sizeof(float));
  }
  return out;
}

}  // namespace star
