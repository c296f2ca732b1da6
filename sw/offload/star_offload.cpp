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

// The fields both job kinds share, and their O and scratch regions (scratch sized as the core
// sizes it). Returns STAR_OK or STAR_E_NO_MEMORY.
int fill_common(star_dev* dev, JobKind kind, std::uint32_t S, std::uint32_t n_q,
                std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t d,
                std::uint32_t d_model, const OffloadOptions& opt, star_job_desc_t& desc) {
  desc = star_default_descriptor();
  desc.kind = kind == JobKind::full_layer ? STAR_JOB_KIND_FULL_LAYER : STAR_JOB_KIND_ATTENTION_ONLY;
  desc.predictor = std::uint8_t(opt.predictor);
  desc.causal = opt.causal ? STAR_FLAG_YES : STAR_FLAG_NO;
  desc.seq_len = S;
  desc.n_queries = kind == JobKind::full_layer ? 0 : n_q;
  desc.heads = std::uint16_t(heads);
  desc.kv_heads = std::uint16_t(kv_heads);
  desc.head_dim = std::uint16_t(d);
  desc.d_model = d_model;
  desc.subsegments = std::uint16_t(opt.subsegments);
  desc.keep_ratio = opt.keep_ratio;
  CoreJob sizing;
  sizing.kind = kind;
  sizing.seq_len = S;
  sizing.n_queries = desc.n_queries;
  sizing.heads = heads;
  sizing.kv_heads = kv_heads;
  sizing.head_dim = d;
  sizing.d_model = d_model;
  sizing.algo.subsegments = opt.subsegments;
  sizing.algo.causal = opt.causal;
  desc.scratch_size = sizing.scratch_bytes();
  desc.o_addr = dev->hal.mem_alloc(dev->hal.ctx, std::uint64_t(heads) * n_q * d * 4, dev->caps.addr_align);
  desc.scratch_addr = desc.scratch_size
                          ? dev->hal.mem_alloc(dev->hal.ctx, desc.scratch_size, dev->caps.addr_align)
                          : 0;
  return desc.o_addr == STAR_HAL_BAD_ADDR || desc.scratch_addr == STAR_HAL_BAD_ADDR
             ? STAR_E_NO_MEMORY
             : STAR_OK;
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

  star_job_desc_t desc;
  if (fill_common(dev, JobKind::attention_only, S, n_q, heads, kv_heads, d, 0, opt, desc) != STAR_OK)
    return STAR_E_NO_MEMORY;
  desc.q_scale = float(qkv.q.scale);
  desc.k_scale = float(qkv.k.scale);
  desc.v_scale = float(qkv.v.scale);
  desc.q_addr = put_heads(dev, qkv.q.values, heads, d);
  desc.k_addr = put_heads(dev, qkv.k.values, kv_heads, d);
  desc.v_addr = put_heads(dev, qkv.v.values, kv_heads, d);
  if (desc.q_addr == STAR_HAL_BAD_ADDR || desc.k_addr == STAR_HAL_BAD_ADDR ||
      desc.v_addr == STAR_HAL_BAD_ADDR)
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

namespace {

// Submits a prepared descriptor, waits, reads O; then the error against dense attention of the
// per-head float inputs that `head_inputs(h, q, k, v)` provides.
template <class HeadInputs>
OffloadReport run_and_compare(star_dev* dev, int prepared, const star_job_desc_t& desc,
                              std::uint32_t heads, std::uint32_t kv_heads,
                              const OffloadOptions& opt, MatF& out, HeadInputs head_inputs) {
  OffloadReport rep;
  rep.status = prepared;
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
  if (opt.compare_dense) {
    const std::uint32_t d = desc.head_dim;
    double max_abs = 0, diff2 = 0, ref2 = 0;
    for (std::uint32_t h = 0; h < heads; ++h) {
      MatD q, k, v;
      head_inputs(h, h / (heads / kv_heads), q, k, v);
      const MatD ref = dense_attention(q, k, v, opt.causal);
      for (std::size_t r = 0; r < ref.rows(); ++r)
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

// X (S x d_model) times columns [c0, c0 + d) of W, in double.
MatD project(const MatF& x, const MatF& w, std::size_t c0, std::uint32_t d) {
  MatD out(x.rows(), d);
  for (std::size_t i = 0; i < x.rows(); ++i)
    for (std::size_t m = 0; m < x.cols(); ++m) {
      const double xv = x(i, m);
      for (std::uint32_t c = 0; c < d; ++c) out(i, c) += xv * w(m, c0 + c);
    }
  return out;
}

}  // namespace

OffloadReport offload_attention(star_dev* dev, const MatF& q, const MatF& k, const MatF& v,
                                std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t d,
                                const OffloadOptions& opt, MatF& out) {
  star_job_desc_t desc{};
  const int prepared = prepare_attention(dev, q, k, v, heads, kv_heads, d, opt, &desc);
  return run_and_compare(dev, prepared, desc, heads, kv_heads, opt, out,
                         [&](std::uint32_t h, std::uint32_t g, MatD& qh, MatD& kh, MatD& vh) {
                           qh = head_of(q, h, d);
                           kh = head_of(k, g, d);
                           vh = head_of(v, g, d);
                         });
}

int prepare_layer(star_dev* dev, const MatF& x, const MatF& w_q, const MatF& w_k, const MatF& w_v,
                  std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t d,
                  const OffloadOptions& opt, star_job_desc_t* out_desc) {
  if (heads == 0 || kv_heads == 0 || d == 0 || heads % kv_heads != 0)
    throw std::invalid_argument("offload_layer: heads must be a non-zero multiple of kv_heads");
  if (w_q.rows() != x.cols() || w_k.rows() != x.cols() || w_v.rows() != x.cols() ||
      w_q.cols() != std::size_t(heads) * d || w_k.cols() != std::size_t(kv_heads) * d ||
      w_v.cols() != w_k.cols())
    throw std::invalid_argument("offload_layer: W_q must be d_model x heads*d, W_k and W_v "
                                "d_model x kv_heads*d, with d_model = X's columns");
  const QuantizedLayer layer = quantize_layer(x, w_q, w_k, w_v, heads, kv_heads, d);
  const std::uint32_t S = std::uint32_t(x.rows()), d_model = std::uint32_t(x.cols());

  star_job_desc_t desc;
  if (fill_common(dev, JobKind::full_layer, S, S, heads, kv_heads, d, d_model, opt, desc) != STAR_OK)
    return STAR_E_NO_MEMORY;
  desc.x_scale = float(layer.x.scale);
  desc.wq_scale = float(layer.w_q.scale);
  desc.wk_scale = float(layer.w_k.scale);
  desc.wv_scale = float(layer.w_v.scale);
  desc.x_addr = dev->hal.mem_alloc(dev->hal.ctx, layer.x.values.size(), dev->caps.addr_align);
  if (desc.x_addr != STAR_HAL_BAD_ADDR &&
      dev->hal.mem_write(dev->hal.ctx, desc.x_addr, layer.x.values.data(), layer.x.values.size()))
    desc.x_addr = STAR_HAL_BAD_ADDR;
  desc.wq_addr = put_heads(dev, layer.w_q.values, heads, d);
  desc.wk_addr = put_heads(dev, layer.w_k.values, kv_heads, d);
  desc.wv_addr = put_heads(dev, layer.w_v.values, kv_heads, d);
  if (desc.x_addr == STAR_HAL_BAD_ADDR || desc.wq_addr == STAR_HAL_BAD_ADDR ||
      desc.wk_addr == STAR_HAL_BAD_ADDR || desc.wv_addr == STAR_HAL_BAD_ADDR)
    return STAR_E_NO_MEMORY;
  *out_desc = desc;
  return STAR_OK;
}

OffloadReport offload_layer(star_dev* dev, const MatF& x, const MatF& w_q, const MatF& w_k,
                            const MatF& w_v, std::uint32_t heads, std::uint32_t kv_heads,
                            std::uint32_t d, const OffloadOptions& opt, MatF& out) {
  star_job_desc_t desc{};
  const int prepared = prepare_layer(dev, x, w_q, w_k, w_v, heads, kv_heads, d, opt, &desc);
  return run_and_compare(dev, prepared, desc, heads, kv_heads, opt, out,
                         [&](std::uint32_t h, std::uint32_t g, MatD& qh, MatD& kh, MatD& vh) {
                           qh = project(x, w_q, std::size_t(h) * d, d);
                           kh = project(x, w_k, std::size_t(g) * d, d);
                           vh = project(x, w_v, std::size_t(g) * d, d);
                         });
}

}  // namespace star
