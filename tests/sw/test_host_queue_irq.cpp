// A queue of jobs of different shapes behind one doorbell; interrupt masking and W1C semantics;
// CTRL.ABORT and SOFT_RESET during a job. Times are asserted, not only values: each job's
// cycles written back equal the core's run time, the abort interrupt arrives at the abort write.
#include "host_test_support.h"

#include "reference/generators.h"
#include "star_core/star_attention_model.h"
#include "star_offload.h"

using namespace star;

namespace {

struct Shape {
  std::uint32_t S, n_q, d, heads, kv_heads;
};

MatF tile_heads(const MatF& one, std::uint32_t heads) {
  MatF out(one.rows(), one.cols() * heads);
  for (std::size_t r = 0; r < one.rows(); ++r)
    for (std::uint32_t h = 0; h < heads; ++h)
      for (std::size_t c = 0; c < one.cols(); ++c) out(r, h * one.cols() + c) = one(r, c) * float(1 + h) * 0.5f;
  return out;
}

struct Layer {
  MatF q, k, v;
  Shape s;
};

Layer make_layer(const Shape& s, std::uint64_t seed) {
  const QkvInputs in = generate_qkv(RowType::mixed, s.n_q, s.S, s.d, seed);
  return {tile_heads(in.q, s.heads), tile_heads(in.k, s.kv_heads), tile_heads(in.v, s.kv_heads), s};
}

std::size_t mismatches_vs_model(const Layer& l, const MatF& out) {
  QuantizedQkv qkv = quantize_qkv(l.q, l.k, l.v, l.s.heads, l.s.kv_heads, l.s.d);
  qkv.q.scale = float(qkv.q.scale);
  qkv.k.scale = float(qkv.k.scale);
  qkv.v.scale = float(qkv.v.scale);
  const LayerResult m = run_layer(qkv, StarAlgoConfig{});
  if (m.out.size() != out.size()) return out.size() + 1;
  std::size_t n = 0;
  for (std::size_t i = 0; i < out.size(); ++i) n += m.out.data()[i] != out.data()[i];
  return n;
}

std::uint32_t reg(star_dev* dev, std::uint32_t off) {
  std::uint32_t v = 0;
  star_reg_read(dev, off, &v);
  return v;
}

}  // namespace

int sc_main(int, char*[]) {
  test::warnings_fail();
  StarSocHost top("top", test::small_soc());
  const std::vector<Layer> layers = {make_layer({128, 128, 32, 1, 1}, 1), make_layer({256, 256, 64, 2, 1}, 2),
                                     make_layer({384, 128, 64, 4, 2}, 3)};
  const double period = top.soc.core.config().period_ns();

  const bool finished = top.run([&](const star_hal& hal) {
    star_dev dev;
    HT_CHECK_EQ(star_probe(&dev, &hal), STAR_OK);
    star_reset(&dev);
    star_ring_init(&dev, 8);
    OffloadOptions opt;

    // --- a queue of three shapes, one doorbell --------------------------------------------------
    std::vector<star_job_desc_t> descs(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const Layer& l = layers[i];
      HT_CHECK_EQ(prepare_attention(&dev, l.q, l.k, l.v, l.s.heads, l.s.kv_heads, l.s.d, opt, &descs[i]), STAR_OK);
      descs[i].job_id = std::uint32_t(100 + i);
    }
    const std::uint32_t first = dev.tail;
    HT_CHECK_EQ(star_submit(&dev, descs.data(), std::uint32_t(descs.size())), STAR_OK);
    star_result r{};
    HT_CHECK_EQ(star_wait(&dev, 10'000'000, &r), STAR_OK);
    HT_CHECK_EQ(r.jobs_done, 3u);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      star_job_desc_t back{};
      star_read_descriptor(&dev, (first + std::uint32_t(i)) % dev.ring_size, &back);
      HT_CHECK_EQ(back.job_id, 100u + i);
      HT_CHECK(back.completion == STAR_JOB_DESC_COMPLETION_DONE_MASK);
      HT_CHECK(back.cycles > 0);
      sum += back.cycles;
      MatF out;
      HT_CHECK_EQ(read_attention_output(&dev, descs[i], out), STAR_OK);
      HT_CHECK_EQ(mismatches_vs_model(layers[i], out), 0u);
      std::printf("queued job %zu (S %u, n_q %u, d %u, heads %u/%u): %llu cycles\n", i, layers[i].s.S,
                  layers[i].s.n_q, layers[i].s.d, layers[i].s.heads, layers[i].s.kv_heads,
                  (unsigned long long)back.cycles);
      if (i + 1 == layers.size()) {
        HT_CHECK_EQ(back.cycles, top.soc.core.job_cycles());
        HT_CHECK(top.cp.last_core_end() - top.cp.last_core_start() ==
                 sc_core::sc_time(double(back.cycles) * period, sc_core::SC_NS));
      }
    }
    HT_CHECK_EQ(r.cycles, sum);
    star_perf perf{};
    star_read_perf(&dev, &perf);
    HT_CHECK_EQ(perf.cycles, sum);
    HT_CHECK_EQ(perf.jobs_done, 3u);

    // --- masking and W1C ------------------------------------------------------------------------
    star_reg_write(&dev, STAR_REG_IRQ_STATUS, 0xFFFFFFFFu);
    star_reg_write(&dev, STAR_REG_IRQ_MASK, 0);
    HT_CHECK_EQ(star_submit(&dev, &descs[0], 1), STAR_OK);
    HT_CHECK_EQ(hal.wait_irq(hal.ctx, 100'000), 0);  // masked: the line never rises
    HT_CHECK_EQ(reg(&dev, STAR_REG_RING_HEAD), dev.tail);  // yet the job completed
    const std::uint32_t pending = reg(&dev, STAR_REG_IRQ_STATUS);
    HT_CHECK_EQ(pending, STAR_IRQ_STATUS_JOB_DONE_MASK | STAR_IRQ_STATUS_RING_IDLE_MASK);
    star_reg_write(&dev, STAR_REG_IRQ_STATUS, 0);  // writing 0 clears nothing
    HT_CHECK_EQ(reg(&dev, STAR_REG_IRQ_STATUS), pending);
    star_reg_write(&dev, STAR_REG_IRQ_STATUS, STAR_IRQ_STATUS_JOB_DONE_MASK);  // clears only that bit
    HT_CHECK_EQ(reg(&dev, STAR_REG_IRQ_STATUS), STAR_IRQ_STATUS_RING_IDLE_MASK);
    const sc_core::sc_time unmask_at = sc_core::sc_time_stamp();
    star_reg_write(&dev, STAR_REG_IRQ_MASK, STAR_IRQ_MASK_RING_IDLE_MASK);  // pending + unmasked
    HT_CHECK_EQ(hal.wait_irq(hal.ctx, 10), 1);
    HT_CHECK(top.cpu.last_irq_seen() - unmask_at <= sc_core::sc_time(2, sc_core::SC_NS));
    star_reg_write(&dev, STAR_REG_IRQ_STATUS, STAR_IRQ_STATUS_RING_IDLE_MASK);
    HT_CHECK_EQ(hal.wait_irq(hal.ctx, 10), 0);  // line dropped
    dev.head = dev.tail;
    star_reg_write(&dev, STAR_REG_IRQ_MASK, STAR_IRQ_MASK_JOB_DONE_MASK | STAR_IRQ_MASK_JOB_ERROR_MASK |
                                                STAR_IRQ_MASK_ABORTED_MASK | STAR_IRQ_MASK_CMD_ERROR_MASK);

    // --- CTRL.ABORT during a job: ABORTED at the write, the next job runs after the core drains --
    HT_CHECK_EQ(star_submit(&dev, &descs[1], 1), STAR_OK);
    sc_core::wait(2, sc_core::SC_US);
    const sc_core::sc_time abort_at = sc_core::sc_time_stamp();
    star_reg_write(&dev, STAR_REG_CTRL, STAR_CTRL_ENABLE_MASK | STAR_CTRL_ABORT_MASK);
    HT_CHECK_EQ(hal.wait_irq(hal.ctx, 1000), 1);
    HT_CHECK(top.cp.last_irq_time() - abort_at <= sc_core::sc_time(2, sc_core::SC_NS));
    HT_CHECK(reg(&dev, STAR_REG_IRQ_STATUS) & STAR_IRQ_STATUS_ABORTED_MASK);
    HT_CHECK_EQ((reg(&dev, STAR_REG_STATUS) & STAR_STATUS_ERROR_CODE_MASK) >> STAR_STATUS_ERROR_CODE_SHIFT,
                STAR_ERROR_CODE_ABORTED);
    HT_CHECK_EQ(reg(&dev, STAR_REG_RING_HEAD), (dev.tail + dev.ring_size - 1) % dev.ring_size);  // stays
    star_reg_write(&dev, STAR_REG_IRQ_STATUS, 0xFFFFFFFFu);

    // --- SOFT_RESET during a job, then a fresh start works -----------------------------------
    star_reset(&dev);
    star_ring_init(&dev, 8);
    HT_CHECK_EQ(star_submit(&dev, &descs[2], 1), STAR_OK);
    sc_core::wait(1, sc_core::SC_US);
    star_reg_write(&dev, STAR_REG_CTRL, STAR_CTRL_ENABLE_MASK | STAR_CTRL_SOFT_RESET_MASK);
    HT_CHECK_EQ(reg(&dev, STAR_REG_RING_SIZE), 0u);  // registers back to reset values
    HT_CHECK(reg(&dev, STAR_REG_IRQ_STATUS) & STAR_IRQ_STATUS_ABORTED_MASK);
    HT_CHECK_EQ(reg(&dev, STAR_REG_CTRL) & STAR_CTRL_ENABLE_MASK, STAR_CTRL_ENABLE_MASK);
    star_reset(&dev);
    star_ring_init(&dev, 8);
    MatF out;
    const OffloadReport rep = offload_attention(&dev, layers[0].q, layers[0].k, layers[0].v, 1, 1, 32, opt, out);
    HT_CHECK_EQ(rep.status, STAR_OK);
    HT_CHECK_EQ(mismatches_vs_model(layers[0], out), 0u);
  });
  HT_CHECK(finished);
  return test::finish("host_queue_irq");
}
