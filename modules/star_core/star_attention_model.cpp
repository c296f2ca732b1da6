#include "star_core/star_attention_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "kvgen/kvgen_model.h"
#include "star_core/head_pipeline.h"

namespace star {

namespace {

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

// Runs one head through every cell; `before_formal(cell)` makes the cell's K/V rows ready (the
// on-demand generation of a full layer; nothing for attention-only jobs).
template <class BeforeFormal>
HeadResult run_head(HeadPipeline& hp, std::uint32_t block_queries, BeforeFormal before_formal) {
  HeadResult res;
  const std::uint32_t nq = hp.n_queries();
  for (std::uint32_t r0 = 0; r0 < nq; r0 += block_queries) {
    const std::uint32_t r1 = std::min(nq, r0 + block_queries);
    BlockState b = hp.begin_block(r0, r1);
    for (std::uint32_t t = 0; t < hp.tiling().n_tiles(); ++t) {
      if (!hp.visits(r0, r1, t)) continue;
      res.ops.predict += hp.predict_tile(b, t);
      CellSelection cell;
      res.ops.select += hp.select_tile(b, t, cell);
      before_formal(cell);
      res.ops.formal += hp.formal_tile(b, t);
    }
    res.ops.formal += hp.finish_block(b);
  }
  res.out = std::move(hp.output());
  res.selection = std::move(hp.selections());
  return res;
}

}  // namespace

HeadResult run_attention_head(const QkvHeadInputs& in, const StarAlgoConfig& cfg) {
  require_shape(in.q && in.k && in.v, "Q, K and V must all be given");
  require_shape(in.q->cols() == in.k->cols() && in.k->cols() == in.v->cols(),
                "Q, K, V head dimensions differ");
  require_shape(in.k->rows() == in.v->rows(), "K and V have different sequence lengths");
  const auto seq_len = static_cast<std::uint32_t>(in.k->rows());
  cfg.validate(seq_len);
  if (cfg.causal && in.q->rows() > seq_len)
    throw std::invalid_argument("causal attention needs n_queries <= sequence length");
  const double d = static_cast<double>(in.q->cols());
  HeadData data{in.q, in.k, in.k, in.v, in.q_scale * in.k_scale / std::sqrt(d), in.v_scale};
  HeadPipeline hp(data, cfg, seq_len);
  return run_head(hp, cfg.block_queries, [](const CellSelection&) {});
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

MatF run_layer_key_shards(const QuantizedQkv& qkv, const StarAlgoConfig& cfg,
                          const std::vector<std::uint32_t>& tile_bounds) {
  check_heads(qkv.heads, qkv.kv_heads, qkv.head_dim);
  const std::uint32_t d = qkv.head_dim;
  require_shape(qkv.q.values.cols() == std::size_t(qkv.heads) * d, "Q columns != heads * head_dim");
  require_shape(qkv.k.values.cols() == std::size_t(qkv.kv_heads) * d &&
                    qkv.v.values.cols() == std::size_t(qkv.kv_heads) * d,
                "K/V columns != kv_heads * head_dim");
  const auto seq_len = static_cast<std::uint32_t>(qkv.k.values.rows());
  cfg.validate(seq_len);
  const std::uint32_t n_tiles = cfg.tiling(seq_len).n_tiles();
  if (tile_bounds.size() < 2 || tile_bounds.front() != 0 || tile_bounds.back() != n_tiles ||
      std::adjacent_find(tile_bounds.begin(), tile_bounds.end(),
                         [](std::uint32_t a, std::uint32_t b) { return a >= b; }) != tile_bounds.end())
    throw std::invalid_argument("key shards: tile bounds must rise strictly from 0 to the " +
                                std::to_string(n_tiles) + " tiles");
  const auto nq = static_cast<std::uint32_t>(qkv.q.values.rows());
  if (cfg.causal && nq > seq_len)
    throw std::invalid_argument("causal attention needs n_queries <= sequence length");
  const std::size_t shards = tile_bounds.size() - 1, w = sufa_partial_floats(d);
  const std::uint32_t group = qkv.heads / qkv.kv_heads;
  const double score_scale = qkv.q.scale * qkv.k.scale / std::sqrt(double(d));
  MatF out(nq, std::size_t(qkv.heads) * d);
  std::vector<float> empty(w, 0.0f);
  empty[0] = -std::numeric_limits<float>::infinity();
  for (std::uint32_t h = 0; h < qkv.heads; ++h) {
    const MatI16 q = column_block(qkv.q.values, std::size_t(h) * d, d);
    const MatI16 k = column_block(qkv.k.values, std::size_t(h / group) * d, d);
    const MatI16 v = column_block(qkv.v.values, std::size_t(h / group) * d, d);
    std::vector<std::vector<float>> partial(shards);  // [shard]: w floats per row
    for (std::size_t s = 0; s < shards; ++s) {
      partial[s].resize(std::size_t(nq) * w);
      for (std::uint32_t i = 0; i < nq; ++i) std::copy(empty.begin(), empty.end(), partial[s].begin() + std::size_t(i) * w);
      HeadPipeline hp(HeadData{&q, &k, &k, &v, score_scale, qkv.v.scale}, cfg, seq_len);
      for (std::uint32_t r0 = 0; r0 < nq; r0 += cfg.block_queries) {
        const std::uint32_t r1 = std::min(nq, r0 + cfg.block_queries);
        if (!hp.visits(r0, r1, tile_bounds[s])) continue;
        BlockState b = hp.begin_block(r0, r1);
        for (std::uint32_t t = tile_bounds[s]; t < tile_bounds[s + 1]; ++t) {
          if (!hp.visits(r0, r1, t)) continue;
          CellSelection cell;
          hp.predict_tile(b, t);
          hp.select_tile(b, t, cell);
          hp.formal_tile(b, t);
        }
        std::vector<float> block;
        hp.finish_block_partial(b, block);
        std::copy(block.begin(), block.end(), partial[s].begin() + std::size_t(r0) * w);
      }
    }
    std::vector<const float*> rows(shards);
    OpCounts ignored;
    for (std::uint32_t i = 0; i < nq; ++i) {
      for (std::size_t s = 0; s < shards; ++s) rows[s] = partial[s].data() + std::size_t(i) * w;
      sufa_merge(rows.data(), shards, d, qkv.v.scale, out.row(i) + std::size_t(h) * d, ignored);
    }
  }
  return out;
}

LayerShifts calibrate_layer_shifts(const QuantizedLayer& layer, Predictor predictor) {
  check_heads(layer.heads, layer.kv_heads, layer.head_dim);
  const std::uint32_t d = layer.head_dim;
  LayerShifts s;
  for (std::uint32_t h = 0; h < layer.heads; ++h)
    s.q.push_back(projection_shift_bound(layer.x.values,
                                         column_block(layer.w_q.values, std::size_t(h) * d, d)));
  for (std::uint32_t g = 0; g < layer.kv_heads; ++g) {
    const MatI8 wk = column_block(layer.w_k.values, std::size_t(g) * d, d);
    s.k.push_back(projection_shift_bound(layer.x.values, wk));
    s.v.push_back(projection_shift_bound(layer.x.values,
                                         column_block(layer.w_v.values, std::size_t(g) * d, d)));
    s.k_hat.push_back(key_prediction_shift_bound(layer.x.values, wk, predictor));
  }
  return s;
}

LayerResult run_layer(const QuantizedLayer& layer, const StarAlgoConfig& cfg) {
  check_heads(layer.heads, layer.kv_heads, layer.head_dim);
  return run_layer(layer, cfg, calibrate_layer_shifts(layer, cfg.predictor));
}

LayerResult run_layer(const QuantizedLayer& layer, const StarAlgoConfig& cfg,
                      const LayerShifts& shifts) {
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
  require_shape(shifts.q.size() == layer.heads && shifts.k.size() == layer.kv_heads &&
                    shifts.v.size() == layer.kv_heads && shifts.k_hat.size() == layer.kv_heads,
                "layer shifts: one per head (q) and per K/V head (k, v, k_hat)");
  LayerResult res;
  res.shifts = shifts;
  res.out = MatF(seq_len, std::size_t(layer.heads) * d);
  res.heads.resize(layer.heads);
  res.q_real.resize(layer.heads);
  const std::uint32_t group = layer.heads / layer.kv_heads;
  std::vector<std::uint32_t> all(seq_len);
  for (std::uint32_t t = 0; t < seq_len; ++t) all[t] = t;

  for (std::uint32_t g = 0; g < layer.kv_heads; ++g) {
    const MatI8 wk = column_block(layer.w_k.values, std::size_t(g) * d, d);
    const MatI8 wv = column_block(layer.w_v.values, std::size_t(g) * d, d);
    const double k_scale = layer.x.scale * layer.w_k.scale * std::ldexp(1.0, shifts.k[g]);
    const double v_scale = layer.x.scale * layer.w_v.scale * std::ldexp(1.0, shifts.v[g]);
    // Phase 1.1 once per K/V head: K_hat for every token.
    KeyPrediction khat =
        cfg.dense ? KeyPrediction{} : predict_keys(x, wk, cfg.predictor, shifts.k_hat[g]);
    res.ops.predict += khat.ops;
    MatI16 k(seq_len, d), v(seq_len, d);
    std::vector<char> generated(seq_len, 0);
    if (!cfg.on_demand_kv) {  // ablation: every K/V row generated up front, once
      res.ops.kvgen += generate_rows(x, wk, shifts.k[g], all, k);
      res.ops.kvgen += generate_rows(x, wv, shifts.v[g], all, v);
      res.kv_rows_generated += seq_len;
    }
    // A token's K/V rows are generated the first time any query of the group selects it (then
    // kept in the K/V cache for later cells and for decoding), never for unselected tokens.
    auto generate_fresh = [&](const CellSelection& cell) {
      if (!cfg.on_demand_kv) return;
      std::vector<std::uint32_t> fresh;
      for (std::uint32_t t : cell.union_keys)
        if (!generated[t]) {
          generated[t] = 1;
          fresh.push_back(t);
        }
      res.ops.kvgen += generate_rows(x, wk, shifts.k[g], fresh, k);
      res.ops.kvgen += generate_rows(x, wv, shifts.v[g], fresh, v);
      res.kv_rows_generated += fresh.size();
    };
    for (std::uint32_t gi = 0; gi < group; ++gi) {
      const std::uint32_t h = g * group + gi;
      const MatI8 wq = column_block(layer.w_q.values, std::size_t(h) * d, d);
      const MatI16 q = generate_all_rows(x, wq, shifts.q[h], res.ops.kvgen);  // exact Q, all rows
      const double q_scale = layer.x.scale * layer.w_q.scale * std::ldexp(1.0, shifts.q[h]);
      res.q_real[h] = to_real(q, q_scale);
      HeadData data{&q, &khat.k_hat, &k, &v, q_scale * k_scale / std::sqrt(double(d)), v_scale};
      HeadPipeline hp(data, cfg, seq_len);
      res.heads[h] = run_head(hp, cfg.block_queries, generate_fresh);
      place_head(res.heads[h].out, h, d, res.out);
      res.ops.select += res.heads[h].ops.select;
      res.ops.predict += res.heads[h].ops.predict;
      res.ops.formal += res.heads[h].ops.formal;
    }
    res.kv_rows_dense += seq_len;
    // References use every K/V row, computed outside the counted work.
    MatI16 k_all(seq_len, d), v_all(seq_len, d);
    generate_rows(x, wk, shifts.k[g], all, k_all);
    generate_rows(x, wv, shifts.v[g], all, v_all);
    res.k_real.push_back(to_real(k_all, k_scale));
    res.v_real.push_back(to_real(v_all, v_scale));
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
