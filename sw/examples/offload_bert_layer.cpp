// Example 1: offload one BERT-base attention layer (12 heads, head_dim 64, d_model 768, 512
// tokens) and verify it. The host computes Q, K, V = X W in float (as a framework would), the
// offload API quantises them, runs the job on STAR and returns O; we check the error against a
// double-precision dense attention and print the accelerator's cycles and counters.
#include <cstdio>
#include <random>

#include "host/star_soc_host.h"
#include "star_offload.h"

using namespace star;

namespace {

MatF random_matrix(std::size_t rows, std::size_t cols, float sd, std::mt19937& rng) {
  std::normal_distribution<float> n(0.f, sd);
  MatF m(rows, cols);
  for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = n(rng);
  return m;
}

MatF matmul(const MatF& a, const MatF& b) {
  MatF c(a.rows(), b.cols());
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const float x = a(i, k);
      for (std::size_t j = 0; j < b.cols(); ++j) c(i, j) += x * b(k, j);
    }
  return c;
}

}  // namespace

int sc_main(int, char*[]) {
  const std::uint32_t S = 512, d_model = 768, heads = 12, d = 64;
  std::mt19937 rng(2024);
  const MatF x = random_matrix(S, d_model, 1.0f, rng);
  const float w_sd = 1.0f / std::sqrt(float(d_model)) * 2.0f;  // scores of a few units
  const MatF q = matmul(x, random_matrix(d_model, heads * d, w_sd, rng));
  const MatF k = matmul(x, random_matrix(d_model, heads * d, w_sd, rng));
  const MatF v = matmul(x, random_matrix(d_model, heads * d, w_sd, rng));

  SocConfig cfg;
  cfg.memory.capacity_bytes = std::uint64_t{1} << 30;
  StarSocHost top("top", cfg);
  OffloadReport rep;
  star_perf perf{};
  int rc = STAR_OK;
  top.run([&](const star_hal& hal) {
    star_dev dev;
    if ((rc = star_probe(&dev, &hal)) != STAR_OK) return;
    std::printf("STAR %u.%u: %u query rows, token buffer %u B, max head_dim %u\n",
                dev.version >> 16, dev.version & 0xFFFF, dev.caps.query_rows, dev.caps.token_buf_bytes,
                dev.caps.max_head_dim);
    if ((rc = star_reset(&dev)) != STAR_OK || (rc = star_ring_init(&dev, 16)) != STAR_OK) return;
    MatF out;
    OffloadOptions opt;  // keep 0.25, DLZS, 4 sub-segments
    rep = offload_attention(&dev, q, k, v, heads, heads, d, opt, out);
    star_read_perf(&dev, &perf);
  });
  if (rc != STAR_OK || rep.status != STAR_OK) {
    std::printf("offload failed: %s %s\n", star_status_message(rc ? rc : rep.status), rep.message.c_str());
    return 1;
  }
  const double period = top.soc.core.config().period_ns();
  std::printf("BERT-base layer (S %u, %u heads x %u): %llu cycles = %.1f us at %.0f MHz\n", S, heads, d,
              (unsigned long long)rep.cycles, rep.cycles * period / 1e3, 1e3 / period);
  std::printf("DRAM read %llu B, written %llu B; jobs done %u\n", (unsigned long long)perf.dram_read_bytes,
              (unsigned long long)perf.dram_write_bytes, perf.jobs_done);
  std::printf("error vs dense attention: rel. Frobenius %.4f, max abs %.4f\n", rep.rel_fro_vs_dense,
              rep.max_abs_vs_dense);
  const bool ok = rep.rel_fro_vs_dense < 0.15;
  std::printf("%s (tolerance: rel. Frobenius < 0.15 at keep 0.25, docs/driver.md)\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
