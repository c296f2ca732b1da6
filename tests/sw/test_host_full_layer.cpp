// A full-layer job (X and weights in DRAM, kind FULL_LAYER) through the offload API
// (offload_layer: float X and weights in, float O out): the command processor derives the
// per-layer shifts the descriptor has no field for, O equals the algorithm model's full-layer
// output bit for bit (GQA 4:2, S 256, d_model 256), and the error against dense attention of the
// float projections is within the documented tolerance.
#include "host_test_support.h"

#include "reference/generators.h"
#include "star_core/star_attention_model.h"
#include "star_offload.h"

using namespace star;

int sc_main(int, char*[]) {
  test::warnings_fail();
  StarSocHost top("top", test::small_soc());
  const std::uint32_t S = 256, d_model = 256, heads = 4, kv_heads = 2, d = 64;
  const LayerInputs in = generate_layer(RowType::mixed, S, d_model, heads, kv_heads, d, 9);
  QuantizedLayer layer = quantize_layer(in.x, in.w_q, in.w_k, in.w_v, heads, kv_heads, d);
  for (QuantizedI8* t : {&layer.x, &layer.w_q, &layer.w_k, &layer.w_v}) t->scale = float(t->scale);

  MatF out;
  OffloadReport rep;
  const bool finished = top.run([&](const star_hal& hal) {
    star_dev dev;
    HT_CHECK_EQ(star_probe(&dev, &hal), STAR_OK);
    star_reset(&dev);
    star_ring_init(&dev, 4);
    rep = offload_layer(&dev, in.x, in.w_q, in.w_k, in.w_v, heads, kv_heads, d, OffloadOptions{}, out);
  });
  HT_CHECK(finished);
  HT_CHECK_EQ(rep.status, STAR_OK);
  const LayerResult model = run_layer(layer, StarAlgoConfig{});
  std::size_t mismatches = model.out.size() == out.size() ? 0 : out.size() + 1;
  for (std::size_t i = 0; i < out.size() && model.out.size() == out.size(); ++i)
    mismatches += model.out.data()[i] != out.data()[i];
  HT_CHECK_EQ(mismatches, 0u);
  HT_CHECK_EQ(rep.cycles, top.soc.core.job_cycles());
  // Documented tolerance (docs/driver.md) against dense attention of the float layer: the int8
  // quantisation of X and the weights adds to the selection error.
  HT_CHECK(rep.rel_fro_vs_dense > 0 && rep.rel_fro_vs_dense < 0.15);
  std::printf("full layer S %u d_model %u heads %u/%u: %llu cycles, %zu mismatches, rel. error vs dense %.4f; %s\n",
              S, d_model, heads, kv_heads, (unsigned long long)rep.cycles, mismatches,
              rep.rel_fro_vs_dense, top.cp.last_error_message().c_str());
  return test::finish("host_full_layer");
}
