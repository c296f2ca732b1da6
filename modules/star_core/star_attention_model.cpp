#include "star_core/star_attention_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "kvgen/kvgen_model.h"

namespace star {

KeyTiling StarAlgoConfig::tiling(std::uint32_t seq_len) const {
  const std::uint32_t bc = tile_keys ? tile_keys : (seq_len + subsegments - 1) / subsegments;
  return KeyTiling{seq_len, bc};
}

void StarAlgoConfig::validate(std::uint32_t seq_len) const {
  auto fail = [](const std::string& m) { throw std::invalid_argument(m); };
  if (seq_len == 0) fail("sequence length must be at least 1");
  if (!dense) star::validate(sads);
  if (tile_keys == 0 && (subsegments < 1 || subsegments > seq_len))
    fail("subsegments = " + std::to_string(subsegments) + " must be in [1, S = " +
         std::to_string(seq_len) + "]");
  if (tile_keys > seq_len)
    fail("tile_keys = " + std::to_string(tile_keys) + " exceeds the sequence length " +
         std::to_string(seq_len));
  if (block_queries == 0) fail("block_queries must be at least 1");
}

namespace {

// Every unmasked key, tile by tile (prediction off).
RowSelection dense_selection(const KeyTiling& tiling, std::uint32_t n_valid) {
  RowSelection sel;
  sel.tile_start.clear();
  sel.tile_start.push_back(0);
  for (std::uint32_t t = 0; t < tiling.n_tiles(); ++t) {
    const std::uint32_t first = tiling.tile_first(t);
    const std::uint32_t end = std::min(first + tiling.tile_len(t), n_valid);
    for (std::uint32_t j = first; j < end; ++j) sel.keys.push_back(j);
    sel.tile_start.push_back(static_cast<std::uint32_t>(sel.keys.size()));
  }
  return sel;
}

// One query head through prediction, selection and the formal stage, a query block at a time.
// `pred_keys` is what phase 1.2 predicts against (K_hat, or K for attention-only jobs);
// `k`/`v` hold the exact rows the formal stage reads (for on-demand generation, `before_formal`
// is called with the block's selections first so the caller can generate them).
struct HeadJob {
  const MatI16* q;
  const MatI16* pred_keys;
  const MatI16* k;
  const MatI16* v;
  double score_scale, v_scale;
};

class HeadRunner {
 public:
  HeadRunner(const HeadJob& job, const StarAlgoConfig& cfg, std::uint32_t seq_len)
      : job_(job), cfg_(cfg), tiling_(cfg.tiling(seq_len)), seq_len_(seq_len) {
    result_.out = MatF(job.q->rows(), job.q->cols());
    result_.selection.resize(job.q->rows());
  }

  // Prediction and selection of rows [r0, r1).
  void select_block(std::uint32_t r0, std::uint32_t r1) {
    const std::uint32_t nq = static_cast<std::uint32_t>(job_.q->rows());
    if (cfg_.dense) {
      for (std::uint32_t i = r0; i < r1; ++i)
        result_.selection[i] = dense_selection(tiling_, valid_keys(i, nq));
      return;
    }
    // A causal block never looks past its last query's position.
    const std::uint32_t key_end = cfg_.causal ? std::min(seq_len_, valid_keys(r1 - 1, nq)) : seq_len_;
    if (keys_.n_keys() == 0) keys_ = prepare_keys(*job_.pred_keys, cfg_.predictor, 0, seq_len_);
    ScorePrediction pred = predict_scores(*job_.q, keys_, r0, r1, key_end);
    result_.ops.predict += pred.ops;
    if (key_end == seq_len_) {
      a_hat_ = std::move(pred.a_hat);
    } else {  // SADS reads whole rows; the masked tail is never selected
      a_hat_ = MatI64(r1 - r0, seq_len_, 0);
      for (std::uint32_t i = 0; i < r1 - r0; ++i)
        std::copy(pred.a_hat.row(i), pred.a_hat.row(i) + key_end, a_hat_.row(i));
    }
    for (std::uint32_t i = r0; i < r1; ++i)
      result_.selection[i] = sads_select_row(a_hat_.row(i - r0), tiling_, valid_keys(i, nq),
                                             cfg_.sads, result_.ops.select);
    block_r0_ = r0;
  }

  // Formal stage (SU-FA) of rows [r0, r1); K/V rows of the selection must be valid by now.
  void formal_block(std::uint32_t r0, std::uint32_t r1) {
    SufaInputs in{job_.q, job_.k, job_.v, job_.score_scale, job_.v_scale, nullptr};
    for (std::uint32_t i = r0; i < r1; ++i) {
      in.predicted = cfg_.dense ? nullptr : a_hat_.row(i - block_r0_);
      sufa_row(in, i, result_.selection[i], seq_len_, cfg_.sufa, result_.out.row(i),
               result_.ops.formal);
    }
  }

  const std::vector<RowSelection>& selection() const { return result_.selection; }
  HeadResult take() { return std::move(result_); }

 private:
  std::uint32_t valid_keys(std::uint32_t i, std::uint32_t nq) const {
    return cfg_.causal ? causal_valid_keys(i, nq, seq_len_) : seq_len_;
  }

  HeadJob job_;
  const StarAlgoConfig& cfg_;
  KeyTiling tiling_;
  std::uint32_t seq_len_;
  PreparedKeys keys_;  // phase 1.2's keys, prepared once per head
  MatI64 a_hat_;
  std::uint32_t block_r0_ = 0;
  HeadResult result_;
};

MatD to_real(const MatI16& m, double scale) {
  MatD out(m.rows(), m.cols());
  for (std::size_t i = 0; i < m.size(); ++i) out.data()[i] = m.data()[i] * scale;
  return out;
}

void check_heads(std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim) {
  if (heads == 0 || kv_heads == 0 || head_dim == 0)
    throw std::invalid_argument("heads, kv_heads and head_dim must be at least 1");
  if (heads % kv_heads != 0)
    throw std::invalid_argument("heads = " + std::to_string(heads) +
                                " must be a multiple of kv_heads = " + std::to_string(kv_heads));
  if (head_dim > 4096) throw std::invalid_argument("head_dim must be at most 4096");
}

void place_head(const MatF& head_out, std::uint32_t h, std::uint32_t d, MatF& out) {
  for (std::size_t r = 0; r < head_out.rows(); ++r)
    std::copy(head_out.row(r), head_out.row(r) + d, out.row(r) + std::size_t(h) * d);
}

}  // namespace

HeadResult run_attention_head(const QkvHeadInputs& in, const StarAlgoConfig& cfg) {
  require_shape(in.q && in.k && in.v, "Q, K and V must all be given");
  require_shape(in.q->cols() == in.k->cols() && in.k->cols() == in.v->cols(),
                "Q, K, V head dimensions differ");
  require_shape(in.k->rows() == in.v->rows(), "K and V have different sequence lengths");
  const auto seq_len = static_cast<std::uint32_t>(in.k->rows());
  const auto nq = static_cast<std::uint32_t>(in.q->rows());
  cfg.validate(seq_len);
  if (cfg.causal && nq > seq_len)
    throw std::invalid_argument("causal attention needs n_queries <= sequence length");
  const double d = static_cast<double>(in.q->cols());
  HeadJob job{in.q, in.k, in.k, in.v, in.q_scale * in.k_scale / std::sqrt(d), in.v_scale};
  HeadRunner runner(job, cfg, seq_len);
  for (std::uint32_t r0 = 0; r0 < nq; r0 += cfg.block_queries) {
    const std::uint32_t r1 = std::min(nq, r0 + cfg.block_queries);
    runner.select_block(r0, r1);
    runner.formal_block(r0, r1);
  }
  return runner.take();
}

LayerResult run_layer(const QuantizedQkv& qkv, const StarAlgoConfig& cfg) {
  check_heads(qkv.heads, qkv.kv_heads, qkv.head_dim);
  const std::uint32_t d = qkv.head_dim;
  require_shape(qkv.q.values.cols() == std::size_t(qkv.heads) * d, "Q columns != heads * head_dim");
  require_shape(qkv.k.values.cols() == std::size_t(qkv.kv_heads) * d &&
                    qkv.v.values.cols() == std::size_t(qkv.kv_heads) * d,
                "K/V columns != kv_heads * head_dim");
  LayerResult res;
  res.out = MatF(qkv.q.values.rows(), std::size_t(qkv.heads) * d);
  const std::uint32_t group = qkv.heads / qkv.kv_heads;
  std::vector<MatI16> ks, vs;
  for (std::uint32_t g = 0; g < qkv.kv_heads; ++g) {
    ks.push_back(column_block(qkv.k.values, std::size_t(g) * d, d));
    vs.push_back(column_block(qkv.v.values, std::size_t(g) * d, d));
    res.k_real.push_back(to_real(ks.back(), qkv.k.scale));
    res.v_real.push_back(to_real(vs.back(), qkv.v.scale));
  }
  for (std::uint32_t h = 0; h < qkv.heads; ++h) {
    const MatI16 q = column_block(qkv.q.values, std::size_t(h) * d, d);
    res.q_real.push_back(to_real(q, qkv.q.scale));
    const std::uint32_t g = h / group;
    QkvHeadInputs in{&q, &ks[g], &vs[g], qkv.q.scale, qkv.k.scale, qkv.v.scale};
    HeadResult hr = run_attention_head(in, cfg);
    place_head(hr.out, h, d, res.out);
    res.ops += hr.ops;
    res.heads.push_back(std::move(hr));
  }
  return res;
}

LayerResult run_layer(const QuantizedLayer& layer, const StarAlgoConfig& cfg) {
  check_heads(layer.heads, layer.kv_heads, layer.head_dim);
  const std::uint32_t d = layer.head_dim;
  const MatI8& x = layer.x.values;
  const auto seq_len = static_cast<std::uint32_t>(x.rows());
  cfg.validate(seq_len);
  require_shape(layer.w_q.values.rows() == x.cols() && layer.w_k.values.rows() == x.cols() &&
                    layer.w_v.values.rows() == x.cols(),
                "weight rows must equal d_model (X columns)");
  require_shape(layer.w_q.values.cols() == std::size_t(layer.heads) * d,
                "W_q columns != heads * head_dim");
  require_shape(layer.w_k.values.cols() == std::size_t(layer.kv_heads) * d &&
                    layer.w_v.values.cols() == std::size_t(layer.kv_heads) * d,
                "W_k/W_v columns != kv_heads * head_dim");
  LayerResult res;
  res.out = MatF(seq_len, std::size_t(layer.heads) * d);
  res.heads.resize(layer.heads);
  res.q_real.resize(layer.heads);
  const std::uint32_t group = layer.heads / layer.kv_heads;

  for (std::uint32_t g = 0; g < layer.kv_heads; ++g) {
    const MatI8 wk = column_block(layer.w_k.values, std::size_t(g) * d, d);
    const MatI8 wv = column_block(layer.w_v.values, std::size_t(g) * d, d);
    const int k_shift = projection_shift_bound(x, wk), v_shift = projection_shift_bound(x, wv);
    const double k_scale = layer.x.scale * layer.w_k.scale * std::ldexp(1.0, k_shift);
    const double v_scale = layer.x.scale * layer.w_v.scale * std::ldexp(1.0, v_shift);
    // Phase 1.1 once per K/V head: K_hat for every token.
    StageOps group_ops;
    KeyPrediction khat = cfg.dense ? KeyPrediction{} : predict_keys(x, wk, cfg.predictor);
    group_ops.predict += khat.ops;

    // Exact Q per query head (computed for every query row), and its runner.
    std::vector<MatI16> qs(group);
    std::vector<HeadRunner> runners;
    MatI16 k(seq_len, d), v(seq_len, d);
    runners.reserve(group);
    for (std::uint32_t gi = 0; gi < group; ++gi) {
      const std::uint32_t h = g * group + gi;
      const MatI8 wq = column_block(layer.w_q.values, std::size_t(h) * d, d);
      OpCounts q_ops;
      const MatI32 q_acc = matmul_i8(x, wq);
      const Requantized q16 = requantize_to_i16(q_acc);  // Q is exact for every row: fit it
      q_ops.macs = std::uint64_t(seq_len) * x.cols() * d;
      group_ops.kvgen += q_ops;
      qs[gi] = q16.values;
      const double q_scale = layer.x.scale * layer.w_q.scale * std::ldexp(1.0, q16.shift);
      res.q_real[h] = to_real(qs[gi], q_scale);
      HeadJob job{&qs[gi], &khat.k_hat, &k, &v, q_scale * k_scale / std::sqrt(double(d)), v_scale};
      runners.emplace_back(job, cfg, seq_len);
    }

    std::vector<char> generated(seq_len, 0);
    if (!cfg.on_demand_kv) {  // ablation: every K/V row generated up front, once
      std::vector<std::uint32_t> all(seq_len);
      for (std::uint32_t t = 0; t < seq_len; ++t) all[t] = t;
      group_ops.kvgen += generate_rows(x, wk, k_shift, all, k);
      group_ops.kvgen += generate_rows(x, wv, v_shift, all, v);
      res.kv_rows_generated += seq_len;
    }
    std::vector<char> in_union(seq_len, 0);
    for (std::uint32_t r0 = 0; r0 < seq_len; r0 += cfg.block_queries) {
      const std::uint32_t r1 = std::min(seq_len, r0 + cfg.block_queries);
      std::vector<std::uint32_t> block_union;
      for (auto& runner : runners) {
        runner.select_block(r0, r1);
        for (std::uint32_t i = r0; i < r1; ++i)
          for (std::uint32_t t : runner.selection()[i].keys)
            if (!in_union[t]) {
              in_union[t] = 1;
              block_union.push_back(t);
            }
      }
      for (std::uint32_t t : block_union) in_union[t] = 0;
      if (cfg.on_demand_kv) {
        // A token's K/V rows are generated the first time any query selects it (then kept in
        // the K/V cache for later query blocks and for decoding), never for unselected tokens.
        std::vector<std::uint32_t> fresh;
        for (std::uint32_t t : block_union)
          if (!generated[t]) {
            generated[t] = 1;
            fresh.push_back(t);
          }
        std::sort(fresh.begin(), fresh.end());
        group_ops.kvgen += generate_rows(x, wk, k_shift, fresh, k);
        group_ops.kvgen += generate_rows(x, wv, v_shift, fresh, v);
        res.kv_rows_generated += fresh.size();
      }
      for (auto& runner : runners) runner.formal_block(r0, r1);
    }
    res.kv_rows_dense += seq_len;

    // References use every K/V row, computed outside the counted work.
    std::vector<std::uint32_t> all(seq_len);
    for (std::uint32_t t = 0; t < seq_len; ++t) all[t] = t;
    MatI16 k_all(seq_len, d), v_all(seq_len, d);
    generate_rows(x, wk, k_shift, all, k_all);
    generate_rows(x, wv, v_shift, all, v_all);
    res.k_real.push_back(to_real(k_all, k_scale));
    res.v_real.push_back(to_real(v_all, v_scale));

    for (std::uint32_t gi = 0; gi < group; ++gi) {
      const std::uint32_t h = g * group + gi;
      res.heads[h] = runners[gi].take();
      place_head(res.heads[h].out, h, d, res.out);
      group_ops.predict += res.heads[h].ops.predict;
      group_ops.select += res.heads[h].ops.select;
      group_ops.formal += res.heads[h].ops.formal;
    }
    res.ops += group_ops;
  }
  return res;
}

QuantizedLayer quantize_layer(const MatF& x, const MatF& w_q, const MatF& w_k, const MatF& w_v,
                              std::uint32_t heads, std::uint32_t kv_heads, std::uint32_t head_dim) {
  return QuantizedLayer{quantize_i8(x), quantize_i8(w_q), quantize_i8(w_k), quantize_i8(w_v),
                        heads, kv_heads, head_dim};
}

QuantizedQkv quantize_qkv(const MatF& q, const MatF& k, const MatF& v, std::uint32_t heads,
                          std::uint32_t kv_heads, std::uint32_t head_dim) {
  return QuantizedQkv{quantize_i16(q), quantize_i16(k), quantize_i16(v), heads, kv_heads, head_dim};
}

}  // namespace star
