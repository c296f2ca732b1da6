#include "functional_data.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "reference/accuracy_metrics.h"
#include "reference/generators.h"
#include "soc/job_placement.h"
#include "star_core/star_attention_model.h"

namespace star {

struct FunctionalData::Inputs {
  bool layer = false;
  QuantizedLayer full;
  LayerShifts shifts;
  QuantizedQkv qkv;
};

namespace {

MatD to_double(const MatF& m) {
  MatD out(m.rows(), m.cols());
  for (std::size_t r = 0; r < m.rows(); ++r)
    for (std::size_t c = 0; c < m.cols(); ++c) out(r, c) = m(r, c);
  return out;
}

}  // namespace

// Each K/V head's group of query heads is drawn as one generate_qkv call (so the
// group's queries share its keys' structure), then packed head-major into n_q x heads*d.
QuantizedQkv generate_attention(const CoreJob& j, RowType type, std::uint64_t seed) {
  const std::uint32_t d = j.head_dim, nq = j.queries(), g = j.group();
  MatF q(nq, std::size_t(j.heads) * d), k(j.seq_len, std::size_t(j.kv_heads) * d),
      v(j.seq_len, std::size_t(j.kv_heads) * d);
  for (std::uint32_t kv = 0; kv < j.kv_heads; ++kv) {
    const QkvInputs in = generate_qkv(type, nq * g, j.seq_len, d, seed + kv);
    for (std::uint32_t m = 0; m < g; ++m)
      for (std::uint32_t i = 0; i < nq; ++i)
        std::memcpy(q.row(i) + std::size_t(kv * g + m) * d, in.q.row(std::size_t(m) * nq + i), d * sizeof(float));
    for (std::uint32_t t = 0; t < j.seq_len; ++t) {
      std::memcpy(k.row(t) + std::size_t(kv) * d, in.k.row(t), d * sizeof(float));
      std::memcpy(v.row(t) + std::size_t(kv) * d, in.v.row(t), d * sizeof(float));
    }
  }
  return quantize_qkv(q, k, v, j.heads, j.kv_heads, d);
}

FunctionalData::FunctionalData(const ResolvedScenario& sc, StarSoc& soc)
    : sc_(sc), in_(std::make_unique<Inputs>()) {
  const CoreJob& shape = sc.job;
  if (shape.kind == JobKind::full_layer) {
    in_->layer = true;
    const LayerInputs li = generate_layer(sc.data, shape.seq_len, shape.d_model, shape.heads,
                                          shape.kv_heads, shape.head_dim, sc.seed);
    in_->full = quantize_layer(li.x, li.w_q, li.w_k, li.w_v, shape.heads, shape.kv_heads, shape.head_dim);
    in_->shifts = calibrate_layer_shifts(in_->full, shape.algo.predictor);
    job_ = place_layer(soc.memory, in_->full, shape.algo, in_->shifts, 0, sc.region_bytes);
  } else {
    in_->qkv = generate_attention(shape, sc.data, sc.seed);
    job_ = place_qkv(soc.memory, in_->qkv, shape.algo, 0, sc.region_bytes);
  }
  job_.flow = shape.flow;
  job_.rass = shape.rass;
}

FunctionalData::~FunctionalData() = default;

nlohmann::json FunctionalData::accuracy(const StarSoc& soc) const {
  if (const nlohmann::json skip = accuracy_skipped(sc_, job_); !skip.is_null()) return skip;
  const LayerResult model = in_->layer ? run_layer(in_->full, job_.algo, in_->shifts) : run_layer(in_->qkv, job_.algo);
  return output_accuracy(sc_, job_, model, read_output(soc.memory, job_));
}

nlohmann::json accuracy_skipped(const ResolvedScenario& sc, const CoreJob& job) {
  if (sc.accuracy == "off") return {{"skipped", "outputs.accuracy is off"}};
  if (job.seq_len > sc.accuracy_max_seq_len)
    return {{"skipped", "S = " + std::to_string(job.seq_len) + " is above outputs.accuracy_max_seq_len = " +
                            std::to_string(sc.accuracy_max_seq_len) + " (the dense reference is quadratic)"}};
  return nullptr;
}

nlohmann::json output_accuracy(const ResolvedScenario& sc, const CoreJob& job, const LayerResult& model,
                               const MatF& out) {
  nlohmann::json j;
  j["model_bit_exact"] =
      out.rows() == model.out.rows() && out.cols() == model.out.cols() &&
      std::memcmp(out.data(), model.out.data(), out.size() * sizeof(float)) == 0;
  double max_abs_vs_model = out.rows() == model.out.rows() && out.cols() == model.out.cols() ? 0.0 : -1.0;
  if (max_abs_vs_model == 0.0)
    for (std::size_t r = 0; r < out.rows(); ++r)
      for (std::size_t c = 0; c < out.cols(); ++c)
        max_abs_vs_model = std::max(max_abs_vs_model, double(std::fabs(out(r, c) - model.out(r, c))));
  j["max_abs_vs_model"] = max_abs_vs_model;
  const std::uint32_t heads = sc.accuracy == "all_heads" ? job.heads : 1;
  const std::uint32_t d = job.head_dim, nq = job.queries();
  AccuracyReport sum;
  double worst_max_abs = 0;
  for (std::uint32_t h = 0; h < heads; ++h) {
    const std::uint32_t g = h / job.group();
    const MatD o = to_double(column_block(out, std::size_t(h) * d, d));
    const AccuracyReport a =
        accuracy_report(model.q_real[h], model.k_real[g], model.v_real[g], job.algo.causal,
                        key_sets(model.heads[h].selection), o, job.seq_len - nq);
    sum.recall += a.recall / heads;
    sum.softmax_mass += a.softmax_mass / heads;
    sum.rel_fro_vs_dense += a.rel_fro_vs_dense / heads;
    sum.rel_fro_vs_topk += a.rel_fro_vs_topk / heads;
    worst_max_abs = std::max(worst_max_abs, a.max_abs_vs_dense);
  }
  j["heads_checked"] = heads;
  j["topk_recall"] = sum.recall;
  j["softmax_mass"] = sum.softmax_mass;
  j["rel_fro_vs_dense"] = sum.rel_fro_vs_dense;
  j["rel_fro_vs_exact_topk"] = sum.rel_fro_vs_topk;
  j["max_abs_vs_dense"] = worst_max_abs;
  return j;
}

}  // namespace star
