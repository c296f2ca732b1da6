// A full-layer job (X and weights in DRAM, kind FULL_LAYER) through the driver: the command
// processor derives the per-layer shifts the descriptor has no field for, and O equals the
// algorithm model's full-layer output bit for bit (GQA 4:2, S 256, d_model 256).
#include "host_test_support.h"

#include <vector>

#include "reference/generators.h"
#include "star_core/core_job.h"
#include "star_core/star_attention_model.h"
#include "star_offload.h"

using namespace star;

namespace {

// Writes a packed tensor (rows x heads*d) head-major, as the core reads it.
std::uint64_t put_heads(const star_hal& hal, const MatI8& packed, std::uint32_t heads, std::uint32_t d) {
  const std::uint64_t addr = hal.mem_alloc(hal.ctx, packed.size(), 64);
  std::vector<std::int8_t> buf(packed.rows() * d);
  for (std::uint32_t h = 0; h < heads; ++h) {
    for (std::size_t r = 0; r < packed.rows(); ++r)
      for (std::uint32_t c = 0; c < d; ++c) buf[r * d + c] = packed(r, std::size_t(h) * d + c);
    hal.mem_write(hal.ctx, addr + std::uint64_t(h) * buf.size(), buf.data(), buf.size());
  }
  return addr;
}

}  // namespace

int sc_main(int, char*[]) {
  test::warnings_fail();
  StarSocHost top("top", test::small_soc());
  const std::uint32_t S = 256, d_model = 256, heads = 4, kv_heads = 2, d = 64;
  const LayerInputs in = generate_layer(RowType::mixed, S, d_model, heads, kv_heads, d, 9);
  QuantizedLayer layer = quantize_layer(in.x, in.w_q, in.w_k, in.w_v, heads, kv_heads, d);
  for (QuantizedI8* t : {&layer.x, &layer.w_q, &layer.w_k, &layer.w_v}) t->scale = float(t->scale);

  MatF out;
  star_result res{};
  int rc = -100;
  const bool finished = top.run([&](const star_hal& hal) {
    star_dev dev;
    HT_CHECK_EQ(star_probe(&dev, &hal), STAR_OK);
    star_reset(&dev);
    star_ring_init(&dev, 4);
    star_job_desc_t desc = star_default_descriptor();
    desc.kind = STAR_JOB_KIND_FULL_LAYER;
    desc.seq_len = S;
    desc.d_model = d_model;
    desc.heads = heads;
    desc.kv_heads = kv_heads;
    desc.head_dim = d;
    desc.x_addr = put_heads(hal, layer.x.values, 1, d_model);
    desc.wq_addr = put_heads(hal, layer.w_q.values, heads, d);
    desc.wk_addr = put_heads(hal, layer.w_k.values, kv_heads, d);
    desc.wv_addr = put_heads(hal, layer.w_v.values, kv_heads, d);
    desc.x_scale = float(layer.x.scale);
    desc.wq_scale = float(layer.w_q.scale);
    desc.wk_scale = float(layer.w_k.scale);
    desc.wv_scale = float(layer.w_v.scale);
    desc.o_addr = hal.mem_alloc(hal.ctx, std::uint64_t(heads) * S * d * 4, 64);
    CoreJob sizing;
    sizing.kind = JobKind::full_layer;
    sizing.seq_len = S;
    sizing.heads = heads;
    sizing.kv_heads = kv_heads;
    sizing.head_dim = d;
    sizing.d_model = d_model;
    desc.scratch_size = sizing.scratch_bytes();
    desc.scratch_addr = hal.mem_alloc(hal.ctx, desc.scratch_size, 64);
    HT_CHECK_EQ(star_submit(&dev, &desc, 1), STAR_OK);
    rc = star_wait(&dev, 10'000'000, &res);
    HT_CHECK_EQ(read_attention_output(&dev, desc, out), STAR_OK);
  });
  HT_CHECK(finished);
  HT_CHECK_EQ(rc, STAR_OK);
  HT_CHECK_EQ(res.jobs_done, 1u);
  const LayerResult model = run_layer(layer, StarAlgoConfig{});
  std::size_t mismatches = model.out.size() == out.size() ? 0 : out.size() + 1;
  for (std::size_t i = 0; i < out.size() && model.out.size() == out.size(); ++i)
    mismatches += model.out.data()[i] != out.data()[i];
  HT_CHECK_EQ(mismatches, 0u);
  HT_CHECK_EQ(res.cycles, top.soc.core.job_cycles());
  std::printf("full layer S %u d_model %u heads %u/%u: %llu cycles, %zu mismatches; %s\n", S, d_model, heads,
              kv_heads, (unsigned long long)res.cycles, mismatches, top.cp.last_error_message().c_str());
  return test::finish("host_full_layer");
}
