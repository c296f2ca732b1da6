// star-demo: runs the STAR algorithm chain (DLZS -> SADS -> on-demand K/V -> SU-FA) on a
// generated attention layer and prints its accuracy against the dense and exact top-k
// references and its operation counts per stage, next to dense attention's.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "reference/accuracy_metrics.h"
#include "reference/dense_reference.h"
#include "reference/generators.h"
#include "star_core/star_attention_model.h"

using namespace star;

namespace {

struct DemoOptions {
  std::uint32_t seq_len = 1024, d_model = 768, heads = 4, kv_heads = 4, head_dim = 64;
  double keep = 0.25;
  std::uint32_t subsegments = 4;
  std::string predictor = "dlzs", order = "descending", guard = "compare_update",
              generator = "mixed";
  std::uint64_t seed = 1;
  bool causal = false, attention_only = false, dense = false;
};

void print_ops(const char* stage, const OpCounts& c) {
  fmt::print("  {:<9} {:>13} {:>13} {:>13} {:>13} {:>11} {:>11} {:>10}\n", stage, c.shifts,
             c.adds, c.macs, c.compares, c.exps, c.rescales, c.lz_encodes);
}

int run(const DemoOptions& o) {
  StarAlgoConfig cfg;
  cfg.predictor = parse_predictor(o.predictor);
  cfg.dense = o.dense;
  cfg.sads.keep = o.keep;
  cfg.subsegments = o.subsegments;
  cfg.sufa.order = parse_sufa_order(o.order);
  cfg.sufa.guard = parse_max_guard(o.guard);
  cfg.causal = o.causal;
  const RowType type = parse_row_type(o.generator);

  const auto t0 = std::chrono::steady_clock::now();
  LayerResult res;
  if (o.attention_only) {
    // One packed Q/K/V: per K/V head, one generated set whose queries are shared out among the
    // query heads of its group (so every query head's Q matches its K/V head's structure).
    const std::uint32_t group = o.heads / o.kv_heads;
    MatF q(o.seq_len, std::size_t(o.heads) * o.head_dim), k(o.seq_len, std::size_t(o.kv_heads) * o.head_dim),
        v(k.rows(), k.cols());
    for (std::uint32_t g = 0; g < o.kv_heads; ++g) {
      const QkvInputs in = generate_qkv(type, o.seq_len * group, o.seq_len, o.head_dim, o.seed + g);
      for (std::size_t r = 0; r < o.seq_len; ++r)
        for (std::size_t c = 0; c < o.head_dim; ++c) {
          k(r, g * o.head_dim + c) = in.k(r, c);
          v(r, g * o.head_dim + c) = in.v(r, c);
          for (std::uint32_t gi = 0; gi < group; ++gi)
            q(r, (g * group + gi) * o.head_dim + c) = in.q(gi * o.seq_len + r, c);
        }
    }
    res = run_layer(quantize_qkv(q, k, v, o.heads, o.kv_heads, o.head_dim), cfg);
  } else {
    const LayerInputs in =
        generate_layer(type, o.seq_len, o.d_model, o.heads, o.kv_heads, o.head_dim, o.seed);
    res = run_layer(quantize_layer(in.x, in.w_q, in.w_k, in.w_v, o.heads, o.kv_heads, o.head_dim),
                    cfg);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  fmt::print("STAR algorithm chain: {} layer, S = {}, {} heads ({} K/V heads), d = {}{}\n",
             o.attention_only ? "attention-only" : "full", o.seq_len, o.heads, o.kv_heads,
             o.head_dim, o.causal ? ", causal" : "");
  fmt::print("predictor {}, keep {:.0f} %, {} sub-segments, SU-FA {} / {}, generator {}, seed {}\n",
             o.dense ? "off (dense)" : o.predictor, o.keep * 100, o.subsegments, o.order,
             o.guard, o.generator, o.seed);
  fmt::print("\naccuracy per head (vs dense attention and vs exact top-k of the same size)\n");
  fmt::print("  {:>4} {:>8} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "head", "recall", "mass",
             "maxabs_dense", "relF_dense", "maxabs_topk", "relF_topk");
  const std::uint32_t group = o.heads / o.kv_heads;
  for (std::uint32_t h = 0; h < o.heads; ++h) {
    const std::uint32_t g = h / group;
    MatD out(res.heads[h].out.rows(), o.head_dim);
    for (std::size_t i = 0; i < out.size(); ++i) out.data()[i] = res.heads[h].out.data()[i];
    const AccuracyReport a = accuracy_report(res.q_real[h], res.k_real[g], res.v_real[g],
                                             o.causal, key_sets(res.heads[h].selection), out);
    fmt::print("  {:>4} {:>8.4f} {:>9.4f} {:>12.3e} {:>12.3e} {:>12.3e} {:>12.3e}\n", h,
               a.recall, a.softmax_mass, a.max_abs_vs_dense, a.rel_fro_vs_dense,
               a.max_abs_vs_topk, a.rel_fro_vs_topk);
  }
  fmt::print("\noperation counts per stage (whole layer)\n");
  fmt::print("  {:<9} {:>13} {:>13} {:>13} {:>13} {:>11} {:>11} {:>10}\n", "stage", "shifts",
             "adds", "MACs", "compares", "exps", "rescales", "LZ enc");
  print_ops("predict", res.ops.predict);
  print_ops("select", res.ops.select);
  print_ops("kvgen", res.ops.kvgen);
  print_ops("formal", res.ops.formal);
  const double n_q = double(res.out.rows());
  const double dense_macs = 2.0 * n_q * o.seq_len * o.head_dim * o.heads * (o.causal ? 0.5 : 1.0);
  fmt::print("\nformal-stage MACs {:.3e} vs dense attention {:.3e}: {:.1f} % of the attention "
             "computation removed\n",
             double(res.ops.formal.macs), dense_macs,
             100.0 * (1.0 - double(res.ops.formal.macs) / dense_macs));
  if (!o.attention_only)
    fmt::print("K/V rows generated {} of {} dense ({:.1f} %)\n", res.kv_rows_generated,
               res.kv_rows_dense, 100.0 * res.kv_rows_generated / double(res.kv_rows_dense));
  fmt::print("model wall time {:.3f} s\n", secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  DemoOptions o;
  CLI::App app{"star-demo: the STAR algorithm chain on a generated attention layer"};
  app.add_option("--seq-len,-S", o.seq_len, "sequence length S")->check(CLI::Range(1u, 1u << 20));
  app.add_option("--d-model", o.d_model, "model width (full layer)")->check(CLI::Range(1u, 65536u));
  app.add_option("--heads", o.heads, "query heads")->check(CLI::Range(1u, 256u));
  app.add_option("--kv-heads", o.kv_heads, "K/V heads (GQA when fewer than heads)")
      ->check(CLI::Range(1u, 256u));
  app.add_option("--head-dim,-d", o.head_dim, "head dimension d")->check(CLI::Range(1u, 1024u));
  app.add_option("--keep,-k", o.keep, "keep ratio in (0, 1]")->check(CLI::Range(1e-6, 1.0));
  app.add_option("--subsegments,-n", o.subsegments, "sub-segments (key tiles) per row")
      ->check(CLI::Range(1u, 1u << 20));
  app.add_option("--predictor", o.predictor, "dlzs, slzs, int4 or exact");
  app.add_option("--order", o.order, "SU-FA order: descending, ascending or unsorted");
  app.add_option("--guard", o.guard, "SU-FA max guard: compare_update, subtract_max or off");
  app.add_option("--generator", o.generator,
                 "gaussian, outlier_channels, dominant, spread, clustered or mixed");
  app.add_option("--seed", o.seed, "generator seed");
  app.add_flag("--causal", o.causal, "causal masking (decoder prefill)");
  app.add_flag("--attention-only", o.attention_only, "Q, K, V given instead of X and weights");
  app.add_flag("--dense", o.dense, "prediction off: attend to every key");
  CLI11_PARSE(app, argc, argv);
  if (o.heads % o.kv_heads != 0) {
    std::fprintf(stderr, "star-demo: --heads (%u) must be a multiple of --kv-heads (%u)\n",
                 o.heads, o.kv_heads);
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "star-demo: %s\n", e.what());
    return 2;
  }
}
