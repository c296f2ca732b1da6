// The whole algorithm chain against the independent double-precision references.
#include <catch2/catch.hpp>
#include <cstring>

#include "reference/accuracy_metrics.h"
#include "reference/dense_reference.h"
#include "reference/generators.h"
#include "star_core/star_attention_model.h"

using namespace star;

namespace {

QuantizedQkv make_qkv(RowType type, std::uint32_t n_q, std::uint32_t s, std::uint32_t d,
                      std::uint64_t seed) {
  const QkvInputs in = generate_qkv(type, n_q, s, d, seed);
  return quantize_qkv(in.q, in.k, in.v, 1, 1, d);
}

MatD head_out(const LayerResult& r, std::uint32_t h) {
  return as_double(r.heads[h].out);
}

}  // namespace

TEST_CASE("SU-FA over all keys equals dense attention in every order", "[chain]") {
  const QuantizedQkv qkv = make_qkv(RowType::mixed, 96, 256, 32, 11);
  for (bool causal : {false, true})
    for (auto order : {SufaOrder::descending, SufaOrder::ascending, SufaOrder::unsorted}) {
      StarAlgoConfig cfg;
      cfg.sads.keep = 1.0;  // every key selected, through the real prediction and SADS
      cfg.subsegments = 4;
      cfg.block_queries = 32;
      cfg.causal = causal;
      cfg.sufa.order = order;
      const LayerResult r = run_layer(qkv, cfg);
      const MatD ref = dense_attention(r.q_real[0], r.k_real[0], r.v_real[0], causal);
      const OutputError e = output_error(r.out, ref);
      INFO("order " << to_string(order) << " causal " << causal);
      // Stated tolerance: the float32 datapath against double, relative Frobenius 1e-5.
      REQUIRE(e.rel_fro < 1e-5);
    }
}

TEST_CASE("the output does not depend on B_c when the selection is exact", "[chain]") {
  const QuantizedQkv qkv = make_qkv(RowType::spread, 64, 512, 32, 12);
  StarAlgoConfig cfg;
  cfg.dense = true;  // exact selection: every key
  cfg.subsegments = 1;
  const MatF base = run_layer(qkv, cfg).out;
  for (std::uint32_t n : {2u, 4u, 8u, 32u}) {
    cfg.subsegments = n;
    const MatF other = run_layer(qkv, cfg).out;
    const OutputError e = output_error(other, as_double(base));
    INFO("sub-segments " << n);
    REQUIRE(e.max_abs < 1e-5);
  }
}

TEST_CASE("causal masking never selects a future key", "[chain]") {
  const QuantizedQkv qkv = make_qkv(RowType::dominant, 300, 300, 32, 13);
  StarAlgoConfig cfg;
  cfg.causal = true;
  cfg.sads.keep = 0.3;
  cfg.subsegments = 5;
  cfg.block_queries = 64;
  const LayerResult r = run_layer(qkv, cfg);
  std::size_t selected = 0;
  for (std::uint32_t i = 0; i < 300; ++i) {
    for (std::uint32_t key : r.heads[0].selection[i].keys) REQUIRE(key <= i);
    selected += r.heads[0].selection[i].count();
    REQUIRE(r.heads[0].selection[i].count() >= 1);
  }
  REQUIRE(selected < 300u * 301 / 2);
}

TEST_CASE("fixed seeds give identical bytes", "[chain]") {
  const LayerInputs a = generate_layer(RowType::mixed, 256, 128, 2, 1, 32, 99);
  const LayerInputs b = generate_layer(RowType::mixed, 256, 128, 2, 1, 32, 99);
  REQUIRE(a.x == b.x);
  REQUIRE(a.w_k == b.w_k);
  StarAlgoConfig cfg;
  cfg.block_queries = 64;
  const LayerResult ra = run_layer(quantize_layer(a.x, a.w_q, a.w_k, a.w_v, 2, 1, 32), cfg);
  const LayerResult rb = run_layer(quantize_layer(b.x, b.w_q, b.w_k, b.w_v, 2, 1, 32), cfg);
  REQUIRE(std::memcmp(ra.out.data(), rb.out.data(), ra.out.size() * sizeof(float)) == 0);
  REQUIRE(ra.ops.total() == rb.ops.total());
  const LayerInputs c = generate_layer(RowType::mixed, 256, 128, 2, 1, 32, 100);
  REQUIRE_FALSE(a.x == c.x);
}

TEST_CASE("grouped-query attention shares K/V heads", "[chain]") {
  const LayerInputs in = generate_layer(RowType::spread, 192, 128, 4, 2, 32, 5);
  const QuantizedLayer layer = quantize_layer(in.x, in.w_q, in.w_k, in.w_v, 4, 2, 32);
  StarAlgoConfig cfg;
  cfg.block_queries = 64;
  const LayerResult r = run_layer(layer, cfg);
  REQUIRE(r.k_real.size() == 2);
  REQUIRE(r.q_real.size() == 4);
  // Head 3 uses K/V head 1; its output is a packed slice of the layer output.
  for (std::size_t i = 0; i < 192; ++i)
    for (std::size_t c = 0; c < 32; ++c) REQUIRE(r.out(i, 3 * 32 + c) == r.heads[3].out(i, c));
  // Each head's output approximates its own dense reference on its K/V group.
  for (std::uint32_t h = 0; h < 4; ++h) {
    const MatD ref = dense_attention(r.q_real[h], r.k_real[h / 2], r.v_real[h / 2], false);
    REQUIRE(output_error(head_out(r, h), ref).rel_fro < 0.5);
  }
  // Attention-only GQA: same mapping.
  const QkvInputs a = generate_qkv(RowType::dominant, 64, 128, 16, 3);
  MatF q(64, 32), k(128, 16), v(128, 16);
  for (std::size_t i = 0; i < 64; ++i)
    for (std::size_t c = 0; c < 16; ++c) q(i, c) = q(i, 16 + c) = a.q(i, c);
  const QuantizedQkv qkv = quantize_qkv(q, a.k, a.v, 2, 1, 16);
  const LayerResult rq = run_layer(qkv, cfg);
  REQUIRE(rq.heads[0].out == rq.heads[1].out);  // identical query heads on one shared K/V head
  REQUIRE_THROWS_WITH(run_layer(quantize_qkv(q, a.k, a.v, 2, 3, 16), cfg),
                      Catch::Contains("multiple of kv_heads"));
}

TEST_CASE("full layer: on-demand K/V generation makes only selected rows", "[chain]") {
  const LayerInputs in = generate_layer(RowType::dominant, 512, 128, 1, 1, 32, 8);
  const QuantizedLayer layer = quantize_layer(in.x, in.w_q, in.w_k, in.w_v, 1, 1, 32);
  StarAlgoConfig cfg;
  cfg.sads.keep = 0.05;
  cfg.subsegments = 4;
  cfg.block_queries = 128;
  const LayerResult r = run_layer(layer, cfg);
  // Generated rows are exactly the tokens some query selected, each once.
  std::vector<char> seen(512, 0);
  for (std::uint32_t i = 0; i < 512; ++i)
    for (std::uint32_t key : r.heads[0].selection[i].keys) seen[key] = 1;
  std::uint64_t expected = 0;
  for (char s : seen) expected += s;
  REQUIRE(r.kv_rows_generated == expected);
  REQUIRE(r.kv_rows_generated < 512);
  // MACs: Q for every row, K and V for generated rows only.
  REQUIRE(r.ops.kvgen.macs == 512u * 128 * 32 + 2 * expected * 128 * 32);
  cfg.on_demand_kv = false;
  const LayerResult all = run_layer(layer, cfg);
  REQUIRE(all.kv_rows_generated == 512);
  REQUIRE(all.out == r.out);  // the same numbers, only the work differs
  // Prediction is shift-add only.
  REQUIRE(r.ops.predict.macs == 0);
  REQUIRE(r.ops.predict.shifts > 0);
}

TEST_CASE("STAR at keep 25 % captures most of the softmax on structured rows", "[chain]") {
  const QuantizedQkv qkv = make_qkv(RowType::mixed, 256, 1024, 64, 21);
  StarAlgoConfig cfg;
  cfg.sads.keep = 0.25;
  cfg.subsegments = 4;
  const LayerResult r = run_layer(qkv, cfg);
  const AccuracyReport a = accuracy_report(r.q_real[0], r.k_real[0], r.v_real[0], false,
                                           key_sets(r.heads[0].selection), head_out(r, 0));
  REQUIRE(a.recall > 0.7);
  REQUIRE(a.softmax_mass > 0.9);
  REQUIRE(a.rel_fro_vs_dense < 0.2);
  // Exact prediction does at least as well as DLZS on recall.
  cfg.predictor = Predictor::exact;
  const LayerResult e = run_layer(qkv, cfg);
  const AccuracyReport ae = accuracy_report(e.q_real[0], e.k_real[0], e.v_real[0], false,
                                            key_sets(e.heads[0].selection), head_out(e, 0));
  REQUIRE(ae.recall >= a.recall - 1e-9);
}

TEST_CASE("bad chain configurations are rejected with the field named", "[chain]") {
  const QuantizedQkv qkv = make_qkv(RowType::gaussian, 8, 16, 8, 1);
  StarAlgoConfig cfg;
  cfg.subsegments = 17;
  REQUIRE_THROWS_WITH(run_layer(qkv, cfg), Catch::Contains("subsegments"));
  cfg.subsegments = 4;
  cfg.sads.keep = 1.5;
  REQUIRE_THROWS_WITH(run_layer(qkv, cfg), Catch::Contains("keep"));
  cfg.sads.keep = 0.5;
  cfg.tile_keys = 32;
  REQUIRE_THROWS_WITH(run_layer(qkv, cfg), Catch::Contains("tile_keys"));
  cfg.tile_keys = 0;
  cfg.dense = true;
  cfg.sufa.order = SufaOrder::ascending;
  REQUIRE_THROWS_WITH(run_layer(qkv, cfg), Catch::Contains("ascending"));
}

TEST_CASE("full layer: explicit shifts reproduce the calibrated run", "[chain]") {
  const LayerInputs in = generate_layer(RowType::clustered, 256, 96, 2, 2, 16, 4);
  const QuantizedLayer layer = quantize_layer(in.x, in.w_q, in.w_k, in.w_v, 2, 2, 16);
  StarAlgoConfig cfg;
  cfg.block_queries = 64;
  cfg.causal = true;
  const LayerResult a = run_layer(layer, cfg);
  const LayerShifts shifts = calibrate_layer_shifts(layer, cfg.predictor);
  const LayerResult b = run_layer(layer, cfg, shifts);
  REQUIRE(a.out == b.out);
  REQUIRE(a.shifts.k_hat == shifts.k_hat);
  LayerShifts bad = shifts;
  bad.q.pop_back();
  REQUIRE_THROWS_WITH(run_layer(layer, cfg, bad), Catch::Contains("layer shifts"));
}
