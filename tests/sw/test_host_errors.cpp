// Every bad-programming case of the issue, driven by the driver on the host CPU stub: each one
// sets its documented error code (and ERROR_INFO), raises the interrupt or answers a TLM error,
// and the next valid job still runs correctly. The SoC has a 16 KiB token buffer so a head_dim of
// 64 overflows it (128 query rows x 64 x 2 B + one K and one V row > 16 KiB).
#include "host_test_support.h"

#include "reference/generators.h"
#include "star_offload.h"

using namespace star;

namespace {

struct Outcome {
  int status = 0;
  star_result res{};
  bool irq = false;
};

// Submits one descriptor and waits; irq says whether the interrupt line rose.
Outcome submit_one(star_dev* dev, const star_job_desc_t& d) {
  Outcome o;
  o.status = star_submit(dev, &d, 1);
  if (o.status == STAR_OK) o.status = star_wait(dev, 1'000'000, &o.res);
  o.irq = (o.res.irq_status & (STAR_IRQ_STATUS_JOB_ERROR_MASK | STAR_IRQ_STATUS_JOB_DONE_MASK)) != 0;
  return o;
}

}  // namespace

int sc_main(int, char*[]) {
  test::warnings_fail();
  SocConfig cfg = test::small_soc();
  cfg.core.token_buffer_bytes = 16 * 1024;
  StarSocHost top("top", cfg);
  const QkvInputs in = generate_qkv(RowType::mixed, 128, 128, 32, 5);
  const QkvInputs big = generate_qkv(RowType::mixed, 128, 128, 64, 6);

  const bool finished = top.run([&](const star_hal& hal) {
    star_dev dev;
    HT_CHECK_EQ(star_probe(&dev, &hal), STAR_OK);
    HT_CHECK_EQ(dev.caps.token_buf_bytes, 16u * 1024);  // capability registers from CoreConfig
    star_reset(&dev);
    star_ring_init(&dev, 8);
    OffloadOptions opt;
    star_job_desc_t good;
    HT_CHECK_EQ(prepare_attention(&dev, in.q, in.k, in.v, 1, 1, 32, opt, &good), STAR_OK);

    auto expect_job_error = [&](star_job_desc_t bad, std::uint32_t code, std::uint32_t field, const char* what) {
      const Outcome o = submit_one(&dev, bad);
      std::printf("%-22s -> status %d, code %u (%s), field 0x%X: %s\n", what, o.status, o.res.error_code,
                  error_code_name(o.res.error_code), o.res.error_field_offset, star_error_message(o.res.error_code));
      HT_CHECK_EQ(o.status, STAR_E_DEVICE);
      HT_CHECK_EQ(o.res.error_code, code);
      HT_CHECK_EQ(o.res.jobs_failed, 1u);
      HT_CHECK(o.res.irq_status & STAR_IRQ_STATUS_JOB_ERROR_MASK);
      if (field != 0xFFFFu) HT_CHECK_EQ(o.res.error_field_offset, field);
      std::uint32_t st = 0;
      star_reg_read(&dev, STAR_REG_STATUS, &st);
      HT_CHECK_EQ((st & STAR_STATUS_ERROR_CODE_MASK) >> STAR_STATUS_ERROR_CODE_SHIFT, code);
      // The next valid job works.
      const Outcome ok = submit_one(&dev, good);
      HT_CHECK_EQ(ok.status, STAR_OK);
      HT_CHECK_EQ(ok.res.jobs_done, 1u);
    };

    star_job_desc_t d = good;
    d.q_addr += 8;
    expect_job_error(d, STAR_ERROR_CODE_MISALIGNED_ADDRESS, STAR_JOB_DESC_Q_ADDR_OFFSET, "misaligned Q");
    d = good;
    d.o_addr = top.soc.memory_bytes() - 64;
    expect_job_error(d, STAR_ERROR_CODE_ADDRESS_OUT_OF_RANGE, STAR_JOB_DESC_O_ADDR_OFFSET, "O beyond memory");
    d = good;
    d.qkv_format = 9;
    expect_job_error(d, STAR_ERROR_CODE_UNKNOWN_FORMAT, STAR_JOB_DESC_QKV_FORMAT_OFFSET, "unknown format");
    d = good;
    d.qkv_format = STAR_FORMAT_FP16;
    expect_job_error(d, STAR_ERROR_CODE_UNSUPPORTED_FORMAT, STAR_JOB_DESC_QKV_FORMAT_OFFSET, "unsupported format");
    d = good;
    d.keep_ratio = 1.5f;
    expect_job_error(d, STAR_ERROR_CODE_BAD_KEEP_RATIO, STAR_JOB_DESC_KEEP_RATIO_OFFSET, "keep 1.5");
    d = good;
    d.heads = 0;
    expect_job_error(d, STAR_ERROR_CODE_BAD_SHAPE, 0xFFFF, "zero heads");
    d = good;
    d.kind = 7;
    expect_job_error(d, STAR_ERROR_CODE_UNKNOWN_ENUM, STAR_JOB_DESC_KIND_OFFSET, "unknown kind");
    d = good;
    d.flow = STAR_FLOW_STAGE_ISOLATED;  // intermediates go to scratch: 64 B is too small
    d.scratch_addr = good.o_addr;
    d.scratch_size = 64;
    expect_job_error(d, STAR_ERROR_CODE_SCRATCH_TOO_SMALL, 0xFFFF, "scratch too small");
    star_job_desc_t wide;
    HT_CHECK_EQ(prepare_attention(&dev, big.q, big.k, big.v, 1, 1, 64, opt, &wide), STAR_OK);
    expect_job_error(wide, STAR_ERROR_CODE_BUFFER_OVERFLOW, 0xFFFF, "length beyond buffers");

    // Write to a read-only register: TLM error response, value unchanged, nothing else happens.
    std::uint32_t before = 0, after = 0;
    star_reg_read(&dev, STAR_REG_RING_HEAD, &before);
    HT_CHECK_EQ(star_reg_write(&dev, STAR_REG_RING_HEAD, before + 1), STAR_E_BUS);
    star_reg_read(&dev, STAR_REG_RING_HEAD, &after);
    HT_CHECK_EQ(after, before);
    HT_CHECK_EQ(star_reg_write(&dev, 0xFC, 1), STAR_E_BUS);  // unmapped offset
    HT_CHECK_EQ(top.cpu.bus_errors(), 2u);

    // Doorbell while in reset: CMD_ERROR + DOORBELL_IN_RESET, nothing runs.
    std::uint32_t done_before = 0;
    star_reg_read(&dev, STAR_REG_PERF_JOBS_DONE, &done_before);
    star_reg_write(&dev, STAR_REG_CTRL, 0);
    std::uint32_t st = 0;
    star_reg_read(&dev, STAR_REG_STATUS, &st);
    HT_CHECK(st & STAR_STATUS_IN_RESET_MASK);
    Outcome o = submit_one(&dev, good);
    HT_CHECK_EQ(o.status, STAR_E_DEVICE);
    HT_CHECK(o.res.irq_status & STAR_IRQ_STATUS_CMD_ERROR_MASK);
    HT_CHECK_EQ(o.res.error_code, STAR_ERROR_CODE_DOORBELL_IN_RESET);
    std::uint32_t done_after = 0;
    star_reg_read(&dev, STAR_REG_PERF_JOBS_DONE, &done_after);
    HT_CHECK_EQ(done_after, done_before);
    // Enable again and ring START: the queued descriptor runs.
    star_reg_write(&dev, STAR_REG_CTRL, STAR_CTRL_ENABLE_MASK | STAR_CTRL_START_MASK);
    star_result r{};
    HT_CHECK_EQ(star_wait(&dev, 1'000'000, &r), STAR_OK);
    HT_CHECK_EQ(r.jobs_done, 1u);

    // Bad ring (size 0): CMD_ERROR + BAD_RING.
    star_reg_write(&dev, STAR_REG_RING_SIZE, 0);
    star_reg_write(&dev, STAR_REG_RING_TAIL, 1);
    HT_CHECK_EQ(hal.wait_irq(hal.ctx, 1000), 1);
    std::uint32_t irq = 0;
    star_reg_read(&dev, STAR_REG_IRQ_STATUS, &irq);
    HT_CHECK(irq & STAR_IRQ_STATUS_CMD_ERROR_MASK);
    star_reg_read(&dev, STAR_REG_STATUS, &st);
    HT_CHECK_EQ((st & STAR_STATUS_ERROR_CODE_MASK) >> STAR_STATUS_ERROR_CODE_SHIFT, STAR_ERROR_CODE_BAD_RING);
    star_reg_write(&dev, STAR_REG_IRQ_STATUS, irq);
    // Re-program the ring: the next valid job works.
    star_reset(&dev);
    star_ring_init(&dev, 4);
    o = submit_one(&dev, good);
    HT_CHECK_EQ(o.status, STAR_OK);
    MatF out;
    HT_CHECK_EQ(read_attention_output(&dev, good, out), STAR_OK);
    HT_CHECK(out.rows() == 128);
  });
  HT_CHECK(finished);
  return test::finish("host_errors");
}
