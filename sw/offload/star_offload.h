// Offload API: "run this multi-head attention layer and give me O", the level a framework calls.
// Two entry points:
//   offload_attention  float Q, K, V (packed: Q is n_q x heads*d, K and V are S x kv_heads*d, head
//                      h in columns [h*d, (h+1)*d)), quantised to int16 (quantize_qkv): an
//                      ATTENTION_ONLY job (e.g. a KV cache);
//   offload_layer      float token activations X (S x d_model) and weights W_q (d_model x
//                      heads*d), W_k, W_v (d_model x kv_heads*d), quantised to int8
//                      (quantize_layer): a FULL_LAYER job, Q exact and K/V generated on demand.
// Both place the tensors head-major in device memory through the driver's HAL, run one job, read
// the fp32 O back (the engine writes O in real units, so "dequantising" is a copy), and report the
// accelerator's cycles and the error against a double-precision dense reference of the float
// inputs (for a layer: of Q = X W_q, K = X W_k, V = X W_v computed in double).
#pragma once

#include <cstdint>
#include <string>

#include "common/matrix.h"
#include "star_driver.h"

namespace star {

struct OffloadOptions {
  float keep_ratio = 0.25f;
  std::uint32_t subsegments = 4;
  std::uint32_t predictor = STAR_PREDICTOR_DLZS;
  bool causal = false;
  std::uint64_t timeout_ns = 1'000'000'000;  // 1 s of simulated time
  bool compare_dense = true;                 // compute the dense reference error
};

struct OffloadReport {
  int status = STAR_OK;                          // driver status (STAR_OK, STAR_E_*)
  std::uint32_t error_code = STAR_ERROR_CODE_NONE;  // device error when status is STAR_E_DEVICE
  std::uint64_t cycles = 0;                      // the job's cycles (descriptor write-back)
  double max_abs_vs_dense = 0, rel_fro_vs_dense = 0;
  std::string message;                           // what went wrong, for people
};

// The two halves of offload_attention, for queues of jobs: quantise and place the tensors, fill
// `desc` (STAR_OK, or STAR_E_NO_MEMORY/STAR_E_BUS) - submit it yourself - and after completion
// read O (n_q x heads*d) back.
int prepare_attention(star_dev* dev, const MatF& q, const MatF& k, const MatF& v,
                      std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim,
                      const OffloadOptions& options, star_job_desc_t* desc);
int read_attention_output(star_dev* dev, const star_job_desc_t& desc, MatF& out);

// `dev` must be probed, reset and have a ring. Device memory is taken from the HAL allocator and
// released (mem_free_all) only by the caller. Throws std::invalid_argument for inconsistent shapes.
OffloadReport offload_attention(star_dev* dev, const MatF& q, const MatF& k, const MatF& v,
                                std::uint32_t heads, std::uint32_t kv_heads,
                                std::uint32_t head_dim, const OffloadOptions& options, MatF& out);

// The full-layer counterparts. prepare_layer fills a FULL_LAYER descriptor (the engine derives
// the per-layer fixed-point shifts from X and the weights in DRAM).
int prepare_layer(star_dev* dev, const MatF& x, const MatF& w_q, const MatF& w_k, const MatF& w_v,
                  std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim,
                  const OffloadOptions& options, star_job_desc_t* desc);
OffloadReport offload_layer(star_dev* dev, const MatF& x, const MatF& w_q, const MatF& w_k,
                            const MatF& w_v, std::uint32_t heads, std::uint32_t kv_heads,
                            std::uint32_t head_dim, const OffloadOptions& options, MatF& out);

}  // namespace star
