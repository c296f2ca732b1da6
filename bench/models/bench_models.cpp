// Benchmark of the algorithm models (issue 2): the STAR chain against a dense float attention
// built on Eigen, measured side by side in one run; accuracy per generator and keep ratio;
// SU-FA's exps and rescales against FlashAttention-2 order.
//   build/bin/bench-models [--seq-len 4096] [--head-dim 64] [--reps 3] [--skip-accuracy]
#include <CLI/CLI.hpp>
#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "reference/accuracy_metrics.h"
#include "reference/dense_reference.h"
#include "reference/generators.h"
#include "star_core/star_attention_model.h"

using namespace star;
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

RowMat to_eigen(const MatD& m) {
  RowMat e(m.rows(), m.cols());
  for (std::size_t r = 0; r < m.rows(); ++r)
    for (std::size_t c = 0; c < m.cols(); ++c) e(r, c) = static_cast<float>(m(r, c));
  return e;
}

// Dense softmax(Q K^T / sqrt(d)) V in float: two GEMMs and a row softmax.
RowMat eigen_dense_attention(const RowMat& q, const RowMat& k, const RowMat& v) {
  RowMat s = (q * k.transpose()) * (1.0f / std::sqrt(float(q.cols())));
  for (Eigen::Index r = 0; r < s.rows(); ++r) {
    const float m = s.row(r).maxCoeff();
    s.row(r) = (s.row(r).array() - m).exp();
    s.row(r) /= s.row(r).sum();
  }
  return s * v;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t seq_len = 4096, head_dim = 64, reps = 3, subsegments = 4;
  bool skip_accuracy = false;
  CLI::App app{"bench-models: STAR algorithm chain vs dense Eigen attention"};
  app.add_option("--seq-len", seq_len, "sequence length")->check(CLI::Range(64u, 1u << 16));
  app.add_option("--head-dim", head_dim, "head dimension")->check(CLI::Range(8u, 256u));
  app.add_option("--reps", reps, "timed repetitions (median)")->check(CLI::Range(1u, 50u));
  app.add_option("--subsegments", subsegments, "SADS sub-segments per row");
  app.add_flag("--skip-accuracy", skip_accuracy, "only the timing table");
  CLI11_PARSE(app, argc, argv);

  // ---- 1. wall time: chain vs Eigen dense, interleaved, same inputs ----
  const QkvInputs in = generate_qkv(RowType::mixed, seq_len, seq_len, head_dim, 1);
  const QuantizedQkv qkv = quantize_qkv(in.q, in.k, in.v, 1, 1, head_dim);
  StarAlgoConfig cfg;
  cfg.sads.keep = 0.25;
  cfg.subsegments = subsegments;
  const LayerResult warm = run_layer(qkv, cfg);
  const RowMat eq = to_eigen(warm.q_real[0]), ek = to_eigen(warm.k_real[0]),
               ev = to_eigen(warm.v_real[0]);
  std::vector<double> t_chain, t_dense;
  float sink = 0;
  for (std::uint32_t r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    const RowMat o = eigen_dense_attention(eq, ek, ev);
    t_dense.push_back(seconds_since(t0));
    sink += o(0, 0);
    t0 = std::chrono::steady_clock::now();
    const LayerResult res = run_layer(qkv, cfg);
    t_chain.push_back(seconds_since(t0));
    sink += res.out(0, 0);
  }
  const double chain = median(t_chain), dense = median(t_dense);
  fmt::print("== wall time, one head, S = {}, d = {}, keep 25 %, dlzs, {} sub-segments ({} reps, median)\n",
             seq_len, head_dim, subsegments, reps);
  fmt::print("  STAR chain (DLZS + SADS + SU-FA)  {:8.3f} s\n", chain);
  fmt::print("  dense float attention (Eigen)     {:8.3f} s\n", dense);
  fmt::print("  ratio chain / dense               {:8.2f}   (target <= 2.00)\n", chain / dense);
  // Where the chain's time goes, from one more run of each stage's share.
  {
    auto t0 = std::chrono::steady_clock::now();
    const ScorePrediction p = predict_scores(qkv.q.values, qkv.k.values, Predictor::dlzs, 0,
                                             seq_len, 0, seq_len);
    const double t_pred = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    OpCounts ops;
    const KeyTiling tiling = cfg.tiling(seq_len);
    std::size_t selected = 0;
    for (std::uint32_t i = 0; i < seq_len; ++i)
      selected += sads_select_row(p.a_hat.row(i), tiling, seq_len, cfg.sads, ops).count();
    const double t_sel = seconds_since(t0);
    fmt::print("  stages alone, whole head at once: prediction {:.3f} s, selection {:.3f} s ({} keys)\n",
               t_pred, t_sel, selected);
  }
  if (sink == 12345.f) fmt::print(" ");

  if (!skip_accuracy) {
    // ---- 2. accuracy per generator and keep ratio ----
    fmt::print("\n== accuracy, one head, S = {}, d = {}, dlzs, {} sub-segments\n", seq_len,
               head_dim, subsegments);
    fmt::print("  {:<17} {:>5} {:>8} {:>8} {:>11} {:>11}\n", "generator", "keep", "recall",
               "mass", "relF_dense", "relF_topk");
    for (RowType type : all_row_types()) {
      const QkvInputs g = generate_qkv(type, seq_len, seq_len, head_dim, 7);
      const QuantizedQkv gq = quantize_qkv(g.q, g.k, g.v, 1, 1, head_dim);
      for (double keep : {0.05, 0.10, 0.25}) {
        StarAlgoConfig c = cfg;
        c.sads.keep = keep;
        const LayerResult r = run_layer(gq, c);
        const AccuracyReport a =
            accuracy_report(r.q_real[0], r.k_real[0], r.v_real[0], false,
                            key_sets(r.heads[0].selection), r.heads[0].out);
        fmt::print("  {:<17} {:>4.0f}% {:>8.4f} {:>8.4f} {:>11.3e} {:>11.3e}\n", to_string(type),
                   keep * 100, a.recall, a.softmax_mass, a.rel_fro_vs_dense, a.rel_fro_vs_topk);
      }
    }
  }

  // ---- 3. SU-FA order: exps and rescales ----
  fmt::print("\n== SU-FA order, keep 25 %, S = {}, d = {}, {} sub-segments (whole head)\n", seq_len,
             head_dim, subsegments);
  fmt::print("  {:<11} {:>13} {:>13} {:>11} {:>13}\n", "order", "exps", "compares", "rescales",
             "multiplies");
  for (SufaOrder order : {SufaOrder::descending, SufaOrder::ascending, SufaOrder::unsorted}) {
    StarAlgoConfig c = cfg;
    c.sufa.order = order;
    const OpCounts f = run_layer(qkv, c).ops.formal;
    fmt::print("  {:<11} {:>13} {:>13} {:>11} {:>13}\n", to_string(order), f.exps, f.compares,
               f.rescales, f.multiplies);
  }
  return 0;
}
