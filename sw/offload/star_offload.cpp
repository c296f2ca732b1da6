#include "star_offload.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "reference/accuracy_metrics.h"
#include "reference/dense_reference.h"
#include "star_core/core_job.h"
#include "star_core/star_attention_model.h"

namespace star {

namespace {

// Writes a packed tensor head-major; returns its device address (STAR_HAL_BAD_ADDR on failure).
template <class T>
std::uint64_t put_heads(star_dev* dev, const Matrix<T>& packed, std::uint32_t heads, std::uint32_t d) {
  const std::uint64_t bytes = std::uint64_t(packed.size()) * sizeof(T);
  const std::uint64_t addr = dev->hal.mem_alloc(dev->hal.ctx, bytes, dev->caps.addr_align);
  if (addr == STAR_HAL_BAD_ADDR) return addr;
  std::vector<T> buf(packed.rows() * d);
  for (std::uint32_t h = 0; h < heads; ++h) {
    for (std::size_t r = 0; r < packed.rows(); ++r)
      for (std::uint32_t c = 0; c < d; ++c) buf[r * d + c] = packed(r, std::size_t(h) * d + c);
    if (dev->hal.mem_write(dev->hal.ctx, addr + std::uint64_t(h) * buf.size() * sizeof(T), buf.data(),
                           buf.size() * sizeof(T)))
      return STAR_HAL_BAD_ADDR;
  }
  return addr;
}

MatD head_of(const MatF& packed, std::uint32_t h, std::uint32_t d) {
  MatD m(packed.rows(), d);
  for (std::size_t r = 0; r < packed.rows(); ++r)
    for (std::uint32_t c = 0; c < d; ++c) m(r, c) = packed(r, std::size_t(h) * d + c);
  return m;
}

}  // namespace

int prepare_attention(star_dev* dev, const MatF& q, const MatF& k, const MatF& v,
                      std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t d,
                      const OffloadOptions& opt, star_job_desc_t* out_desc) {
  if (heads == 0 || kv_heads == 0 || d == 0 || heads % kv_heads != 0)
    throw std::invalid_argument("offload_attention: heads must be a non-zero multiple of kv_heads");
  if (q.cols() != std::size_t(heads) * d || k.cols() != std::size_t(kv_heads) * d ||
      v.cols() != k.cols() || v.rows() != k.rows())
    throw std::invalid_argument("offload_attention: Q must be n_q x heads*d, K and V S x kv_heads*d");
  const QuantizedQkv qkv = quantize_qkv(q, k, v, heads, kv_heads, d);
  const std::uint32_t n_q = std::uint32_t(q.rows()), S = std::uint32_t(k.rows());

  star_job_desc_t desc = star_default_descriptor();
  desc.kind = STAR_JOB_KIND_ATTENTION_ONLY;
  desc.predictor = std::uint8_t(opt.predictor);
  desc.causal = opt.causal ? STAR_FLAG_YES : STAR_FLAG_NO;
  desc.seq_len = S;
  desc.n_queries = n_q;
  desc.heads = std::uint16_t(heads);
  desc.kv_heads = std::uint16_t(kv_heads);
  desc.head_dim = std::uint16_t(d);
  desc.subsegments = std::uint16_t(opt.subsegments);
  desc.keep_ratio = opt.keep_ratio;
  desc.q_scale = float(qkv.q.scale);
  desc.k_scale = float(qkv.k.scale);
  desc.v_scale = float(qkv.v.scale);

  // Scratch as the core sizes it for this job.
  CoreJob sizing;
  sizing.kind = JobKind::attention_only;
  sizing.seq_len = S;
  sizing.n_queries = n_q;
  sizing.heads = heads;
  sizing.kv_heads = kv_heads;
  sizing.head_dim = d;
  sizing.algo.subsegments = opt.subsegments;
  sizing.algo.causal = opt.causal;
  const std::uint64_t scratch = sizing.scratch_bytes();

  desc.q_addr = put_heads(dev, qkv.q.values, heads, d);
  desc.k_addr = put_heads(dev, qkv.k.values, kv_heads, d);
  desc.v_addr = put_heads(dev, qkv.v.values, kv_heads, d);
  const std::uint64_t o_bytes = std::uint64_t(heads) * n_q * d * 4;
  desc.o_addr = dev->hal.mem_alloc(dev->hal.ctx, o_bytes, dev->caps.addr_align);
  desc.scratch_size = scratch;
  desc.scratch_addr = scratch ? dev->hal.mem_alloc(dev->hal.ctx, scratch, dev->caps.addr_align) : 0;
  if (desc.q_addr == STAR_HAL_BAD_ADDR || desc.k_addr == STAR_HAL_BAD_ADDR ||
      desc.v_addr == STAR_HAL_BAD_ADDR || desc.o_addr == STAR_HAL_BAD_ADDR ||
      desc.scratch_addr == STAR_HAL_BAD_ADDR)
    return STAR_E_NO_MEMORY;
  *out_desc = desc;
  return STAR_OK;
}

int read_attention_output(star_dev* dev, const star_job_desc_t& desc, MatF& out) {
  const std::uint32_t heads = desc.heads, d = desc.head_dim;
  const std::uint32_t n_q = desc.n_queries ? desc.n_queries : desc.seq_len;
  out = MatF(n_q, std::size_t(heads) * d);
  std::vector<float> buf(std::size_t(n_q) * d);
  for (std::uint32_t h = 0; h < heads; ++h) {
    if (dev->hal.mem_read(dev->hal.ctx, desc.o_addr + std::uint64_t(h) * buf.size() * 4, buf.data(),
                          buf.size() * 4))
      return STAR_E_BUS;
    for (std::uint32_t r = 0; r < n_q; ++r)
      for (std::uint32_t c = 0; c < d; ++c) out(r, std::size_t(h) * d + c) = buf[std::size_t(r) * d + c];
  }
  return STAR_OK;
}

OffloadReport offload_attention(star_dev* dev, const MatF& q, const MatF& k, const MatF& v,
                                std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t d,
                                const OffloadOptions& opt, MatF& out) {
  OffloadReport rep;
  star_job_desc_t desc;
  rep.status = prepare_attention(dev, q, k, v, heads, kv_heads, d, opt, &desc);
  star_result res;
  if (rep.status == STAR_OK) rep.status = star_submit(dev, &desc, 1);
  if (rep.status == STAR_OK) rep.status = star_wait(dev, opt.timeout_ns, &res);
  if (rep.status != STAR_OK) {
    rep.error_code = rep.status == STAR_E_DEVICE ? res.error_code : STAR_ERROR_CODE_NONE;
    rep.message = rep.status == STAR_E_DEVICE ? star_error_message(rep.error_code)
                                              : star_status_message(rep.status);
    return rep;
  }
  rep.cycles = res.cycles;
  rep.status = read_attention_output(dev, desc, out);
  if (rep.status != STAR_OK) {
    rep.message = star_status_message(rep.status);
    return rep;
  }
  const std::uint32_t n_q = std::uint32_t(q.rows());

  if (opt.compare_dense) {
    // Error of the whole layer against the dense attention of the float inputs.
    double max_abs = 0, diff2 = 0, ref2 = 0;
    for (std::uint32_t h = 0; h < heads; ++h) {
      const std::uint32_t g = h / (heads / kv_heads);
      const MatD ref = dense_attention(head_of(q, h, d), head_of(k, g, d), head_of(v, g, d), opt.causal);
      for (std::uint32_t r = 0; r < n_q; ++r)
        for (std::uint32_t c = 0; c < d; ++c) {
          const double e = double(out(r, std::size_t(h) * d + c)) - ref(r, c);
          max_abs = std::max(max_abs, std::fabs(e));
          diff2 += e * e;
          ref2 += ref(r, c) * ref(r, c);
        }
    }
    rep.max_abs_vs_dense = max_abs;
    rep.rel_fro_vs_dense = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  }
  return rep;
}

}  // namespace star
